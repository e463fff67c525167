// `airlora export RUN_DIR [--round N] [--format safetensors|peft|tfjs] [--merged] [--out DIR]` (docs/interfaces.md
// section 6): a round's global adapter as files others can load. Prints what it read, what it wrote and the notes.
import { Command } from "commander";
import { relative, resolve } from "node:path";
import {
  EXPORT_FORMATS,
  defaultExportDir,
  exportFiles,
  writeExport,
  type ExportFormat,
} from "../export/export-adapter";
import { readRunAdapter } from "../export/run-adapter";
import { integer, oneOf } from "./arguments";

interface ExportCommandOptions {
  round?: number;
  format: ExportFormat;
  merged?: boolean;
  out?: string;
  modelDir?: string;
}

export const exportCommand = new Command("export")
  .description("export a round's adapter: AirLoRA safetensors, Hugging Face PEFT or tfjs, optionally merged")
  .argument("<run-dir>", "a run directory (the path `airlora start` printed)")
  .option("--round <n>", "the round whose checkpoint to export (default: the last one)", integer(0, 1_000_000))
  .option("--format <format>", EXPORT_FORMATS.join(", "), oneOf(EXPORT_FORMATS), "safetensors")
  .option("--merged", "merge the adapter into the base model's weights (safetensors or tfjs)")
  .option("--out <dir>", "where the files go (default <run-dir>/export/round-NNNN-<format>[-merged])")
  .option("--model-dir <dir>", "the base model folder (default models/<preset>)")
  .action((runDir: string, options: ExportCommandOptions) => {
    const out = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    const adapter = readRunAdapter(resolve(runDir), options.round);
    if (!adapter.ok) throw new Error(adapter.error.reason);
    const { description: d } = adapter.value;
    const head = d.head.kind === "lm" ? "LM head (tied wte)" : `classifier head of ${String(d.head.classes)} classes`;
    out(
      `  Run ${adapter.value.runId}, round ${String(adapter.value.round)}: ${adapter.value.task} on ${adapter.value.preset}, ` +
        `LoRA rank ${String(d.rank)}, alpha ${String(d.alpha)} (scale ${String(d.alpha / d.rank)}) on ${d.targets.join(", ")}, ${head}.`,
    );
    const exportOptions = {
      format: options.format,
      merged: options.merged === true,
      ...(options.modelDir === undefined ? {} : { modelDir: resolve(options.modelDir) }),
    };
    out(`  Exporting as ${options.format}${exportOptions.merged ? ", merged into the base weights" : ""}...`);
    const files = exportFiles(adapter.value, exportOptions);
    if (!files.ok) throw new Error(`cannot export: ${files.error.reason}`);
    const outDir = resolve(options.out ?? defaultExportDir(adapter.value, exportOptions));
    const written = writeExport(outDir, files.value);
    const shown = relative(process.cwd(), outDir);
    out(`  Wrote ${shown.startsWith("..") || shown === "" ? outDir : shown}:`);
    const width = Math.max(...written.map((f) => f.name.length));
    for (const file of written) out(`    ${file.name.padEnd(width)}  ${kib(file.bytes)}`);
    for (const note of files.value.notes) out(`  Note: ${note}`);
  });

function kib(bytes: number): string {
  return bytes < 1024 ? `${String(bytes)} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}
