// The run directory (docs/interfaces.md): <out>/<runId>/ with manifest.json, rounds.jsonl (one validated line per
// round, appended and flushed), checkpoints/round-NNNN.safetensors and summary.json. Every whole-file write is
// atomic (temp file, fsync, rename), so a crash leaves the previous version, never half a file.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { adapterToNamedTensors, type AdapterSpec, type AdapterState } from "@airlora/core";
import { writeSafetensors } from "@airlora/model";
import { writeFileAtomic } from "@airlora/model/node";
import { RoundLogLine } from "@airlora/protocol";

export interface RunDirectory {
  readonly path: string;
  writeManifest(manifest: unknown): void;
  /** Validates the line against the protocol's schema first; an invalid line is refused, not written. */
  appendRound(line: RoundLogLine): void;
  writeCheckpoint(round: number, spec: AdapterSpec, adapter: AdapterState, metadata: Record<string, string>): void;
  writeSummary(summary: unknown): void;
}

export function createRunDirectory(outDir: string, runId: string): RunDirectory {
  const path = join(outDir, runId);
  mkdirSync(join(path, "checkpoints"), { recursive: true });
  return {
    path,
    writeManifest: (manifest) => {
      writeFileAtomic(join(path, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    },
    appendRound: (line) => {
      const checked = RoundLogLine.safeParse(line);
      if (!checked.success) throw new Error(`round ${line.round}: invalid log line: ${checked.error.message}`);
      const fd = openSync(join(path, "rounds.jsonl"), "a");
      try {
        writeSync(fd, `${JSON.stringify(checked.data)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    writeCheckpoint: (round, spec, adapter, metadata) => {
      const bytes = writeSafetensors(adapterToNamedTensors(spec, adapter), metadata);
      writeFileAtomic(join(path, "checkpoints", `round-${String(round).padStart(4, "0")}.safetensors`), bytes);
    },
    writeSummary: (summary) => {
      writeFileAtomic(join(path, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}
