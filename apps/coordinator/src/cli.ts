// The `airlora` command line (docs/interfaces.md): `start` runs the coordinator, `clients` joins Node participants.
import { Command } from "commander";
import { clientsCommand } from "./cli/clients-command";
import { startCommand } from "./cli/start-command";
import { VERSION } from "./version";

const program = new Command()
  .name("airlora")
  .description("Federated LoRA fine-tuning with browsers as the wireless clients")
  .version(VERSION)
  .addCommand(startCommand)
  .addCommand(clientsCommand);

await program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`airlora: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
