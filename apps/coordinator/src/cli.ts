// The `airlora` command line (docs/interfaces.md): `start` runs the coordinator, `clients` joins Node participants,
// `export` writes a round's adapter in other formats, `simulate` runs virtual participants on simulated time,
// `report` sums finished runs up in tables and charts.
import { Command } from "commander";
import { clientsCommand } from "./cli/clients-command";
import { exportCommand } from "./cli/export-command";
import { reportCommand, simulateCommand } from "./cli/simulate-command";
import { startCommand } from "./cli/start-command";
import { VERSION } from "./version";

const program = new Command()
  .name("airlora")
  .description("Federated LoRA fine-tuning with browsers as the wireless clients")
  .version(VERSION)
  .addCommand(startCommand)
  .addCommand(clientsCommand)
  .addCommand(exportCommand)
  .addCommand(simulateCommand)
  .addCommand(reportCommand);

await program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`airlora: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
