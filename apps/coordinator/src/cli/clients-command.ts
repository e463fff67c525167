// `airlora clients --url URL --count N` (docs/interfaces.md): N headless Node participants, each in its own worker
// thread, join a running coordinator over real sockets and train like browsers do. One line per participant.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { formatLine, initialLine, nextLine, type ClientLine } from "../node-clients/client-line";
import { startNodeParticipants } from "../node-clients/node-participants";
import { VERSION } from "../version";
import { integer, oneOf, token } from "./arguments";
import { faultFlag, type IndexedFault } from "./fault-flag";

interface ClientsOptions {
  url: string;
  count: number;
  joinToken?: string;
  backend: "wasm" | "cpu";
  fault: readonly IndexedFault[];
  ca?: string;
  insecure?: boolean;
}

export const clientsCommand = new Command("clients")
  .description("join N headless Node participants to a running coordinator (quick demos, load and fault tests)")
  .requiredOption("--url <url>", "the coordinator's join URL (as `start` printed it) or its origin")
  .option("--count <n>", "how many participants", integer(1, 1000), 1)
  .option("--join-token <token>", "the join token, if the URL does not carry it", token)
  .option("--backend <name>", "tfjs backend: wasm or cpu", oneOf(["wasm", "cpu"] as const), "wasm")
  .option(
    "--fault <index:fault>",
    "make one participant misbehave (repeatable), e.g. 0:slow-upload=150000 or 1:corrupt@3",
    faultFlag(),
    [],
  )
  .option("--ca <file>", "https: trust this certificate (PEM), e.g. the run's tls/cert.pem from `start --https`")
  .option("--insecure", "https: accept any certificate (encrypted, but anyone in the middle could be the coordinator)")
  .action(async (options: ClientsOptions) => {
    const url = new URL(options.url);
    const https = url.protocol === "https:";
    if (options.insecure === true) {
      process.stderr.write("warning: --insecure: the coordinator's certificate is not checked\n");
    }
    const tls = https
      ? {
          ca: options.ca === undefined ? undefined : readFileSync(options.ca, "utf8"),
          insecure: options.insecure === true,
        }
      : undefined;
    const joinToken = options.joinToken ?? url.searchParams.get("token");
    if (joinToken === null) throw new Error("no join token: pass the join URL with ?token=... or --join-token");
    const lines: ClientLine[] = Array.from({ length: options.count }, () => initialLine);
    const display = createDisplay(options.count);
    const participants = startNodeParticipants({
      origin: url.origin,
      joinToken,
      count: options.count,
      backend: options.backend,
      userAgent: `airlora-clients/${VERSION} (node ${process.version}; ${options.backend})`,
      ...(tls === undefined ? {} : { tls }),
      faults: (index) => options.fault.filter((f) => f.index === index).map((f) => f.fault),
      onEvent: (index, event) => {
        lines[index] = nextLine(lines[index] ?? initialLine, event);
        display(lines);
      },
      onCrash: (index, reason) => {
        lines[index] = { ...(lines[index] ?? initialLine), doing: `crashed: ${reason}` };
        display(lines);
      },
    });
    const stop = (): void => {
      void participants.stop();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    const finished = await participants.done;
    display(lines, true);
    process.exitCode = finished.every(Boolean) ? 0 : 1;
  });

/** A TTY gets the lines redrawn in place (at most 5 times a second); anything else gets a participant's line when
 * it starts something new (a stage, an outcome), not at every training step, so a log stays readable. */
function createDisplay(count: number): (lines: readonly ClientLine[], final?: boolean) => void {
  const tty = process.stdout.isTTY;
  let drawnAt = 0;
  let drawn = false;
  const printed: string[] = [];
  return (lines, final = false) => {
    if (!tty) {
      lines.forEach((line, index) => {
        const key = stageOf(line);
        if (printed[index] !== key) process.stdout.write(`${formatLine(index, line)}\n`);
        printed[index] = key;
      });
      return;
    }
    const now = Date.now();
    if (!final && now - drawnAt < 200) return;
    drawnAt = now;
    if (drawn) process.stdout.write(`\x1b[${String(count)}A`);
    drawn = true;
    for (const [index, line] of lines.entries()) {
      process.stdout.write(`\x1b[2K${formatLine(index, line).slice(0, process.stdout.columns - 1)}\n`);
    }
  };
}

/** What a line says without its running counts (steps done, bytes sent). */
function stageOf(line: ClientLine): string {
  return `${line.clientId} ${String(line.submitted)} ${String(line.missed)} ${line.doing.replace(/ \d+\/\d+$/u, "")}`;
}
