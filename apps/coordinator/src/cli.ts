// The `airlora` command line (DESIGN.md section 6).
import { Command, InvalidArgumentError } from "commander";
import { announcement, coordinatorUrls } from "./announce";
import { DEFAULT_HOST, DEFAULT_PORT, defaultConfig } from "./config";
import { pagesBuilt } from "./http/pages";
import { stderrLogger } from "./log";
import { startCoordinator } from "./server";
import { VERSION } from "./version";

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError("a port is an integer 0-65535");
  return n;
}

function token(value: string): string {
  if (!/^[A-Za-z0-9._~-]{8,128}$/u.test(value)) {
    throw new InvalidArgumentError("a token is 8-128 URL-safe characters (letters, digits, . _ ~ -)");
  }
  return value;
}

interface StartOptions {
  port: number;
  host: string;
  joinToken?: string;
  adminToken?: string;
}

const program = new Command()
  .name("airlora")
  .description("Federated LoRA fine-tuning with browsers as the wireless clients")
  .version(VERSION);

program
  .command("start")
  .description("start the coordinator: serves the join page, the dashboard and the API")
  .option("--port <port>", "TCP port", port, DEFAULT_PORT)
  .option("--host <host>", "address to bind", DEFAULT_HOST)
  .option("--join-token <token>", "secret in the join URL (random if omitted)", token)
  .option("--admin-token <token>", "secret for the dashboard and admin API (random if omitted)", token)
  .action(async (options: StartOptions) => {
    const config = defaultConfig({
      port: options.port,
      host: options.host,
      ...(options.joinToken === undefined ? {} : { joinToken: options.joinToken }),
      ...(options.adminToken === undefined ? {} : { adminToken: options.adminToken }),
    });
    if (!pagesBuilt(config.webRoot)) {
      process.stderr.write(`warning: pages are not built in ${config.webRoot}; run "npm run build"\n`);
    }
    const log = stderrLogger();
    const running = await startCoordinator(config, log);
    const urls = coordinatorUrls(config.host, running.port, config.joinToken, config.adminToken);
    process.stdout.write(await announcement(urls));
    const stop = (signal: string): void => {
      log.info("coordinator.stopping", { signal });
      void running.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });

await program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`airlora: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
