// The run directory (docs/interfaces.md): <out>/<runId>/ with manifest.json, rounds.jsonl (one validated line per
// round, appended and flushed), checkpoints/round-NNNN.safetensors with round-NNNN.json beside it (what resume needs),
// secrets.json (the run's join and admin tokens, mode 0600) and summary.json. Every whole-file write is atomic (temp
// file, fsync, rename), so a crash leaves the previous version, never half a file.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { adapterToNamedTensors, type AdapterSpec, type AdapterState } from "@airlora/core";
import { writeSafetensors } from "@airlora/model";
import { sha256Hex, writeFileAtomic, type AtomicWriteOptions } from "@airlora/model/node";
import { CHECKPOINT_STATE_VERSION, RoundLogLine, type RunCheckpointState } from "@airlora/protocol";

export interface RunSecrets {
  readonly joinToken: string;
  readonly adminToken: string;
}

export interface CheckpointInput {
  readonly round: number;
  readonly spec: AdapterSpec;
  readonly adapter: AdapterState;
  readonly metadata: Record<string, string>;
  readonly state: Omit<RunCheckpointState, "version" | "round" | "adapterSha256" | "savedAt">;
  readonly savedAt: number;
}

export interface RunDirectory {
  readonly path: string;
  writeManifest(manifest: unknown): void;
  /** Validates the line against the protocol's schema first; an invalid line is refused, not written. */
  appendRound(line: RoundLogLine): void;
  /** Replaces the whole log (resume drops the lines after the round it carries on from). */
  rewriteRounds(lines: readonly RoundLogLine[]): void;
  /** The adapter first, then the state that names its hash: a state file always has its adapter. */
  writeCheckpoint(input: CheckpointInput, options?: AtomicWriteOptions): void;
  writeSecrets(secrets: RunSecrets): void;
  writeSummary(summary: unknown): void;
}

export function checkpointPaths(runDir: string, round: number): { adapter: string; state: string } {
  const base = join(runDir, "checkpoints", `round-${String(round).padStart(4, "0")}`);
  return { adapter: `${base}.safetensors`, state: `${base}.json` };
}

export const SECRETS_FILE = "secrets.json";

/** Creates `<outDir>/<runId>/` (or opens it again, for a resumed run). */
export function createRunDirectory(outDir: string, runId: string): RunDirectory {
  return openRunDirectory(join(outDir, runId));
}

export function openRunDirectory(path: string): RunDirectory {
  mkdirSync(join(path, "checkpoints"), { recursive: true });
  const logPath = join(path, "rounds.jsonl");
  const checked = (line: RoundLogLine): RoundLogLine => {
    const result = RoundLogLine.safeParse(line);
    if (!result.success) throw new Error(`round ${line.round}: invalid log line: ${result.error.message}`);
    return result.data;
  };
  return {
    path,
    writeManifest: (manifest) => {
      writeFileAtomic(join(path, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    },
    appendRound: (line) => {
      const text = `${JSON.stringify(checked(line))}\n`;
      const fd = openSync(logPath, "a");
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    rewriteRounds: (lines) => {
      writeFileAtomic(logPath, lines.map((line) => `${JSON.stringify(checked(line))}\n`).join(""));
    },
    writeCheckpoint: (input, options) => {
      const bytes = writeSafetensors(adapterToNamedTensors(input.spec, input.adapter), input.metadata);
      const paths = checkpointPaths(path, input.round);
      writeFileAtomic(paths.adapter, bytes, options);
      const state: RunCheckpointState = {
        version: CHECKPOINT_STATE_VERSION,
        round: input.round,
        savedAt: input.savedAt,
        adapterSha256: sha256Hex(bytes),
        ...input.state,
      };
      writeFileAtomic(paths.state, `${JSON.stringify(state)}\n`, options);
    },
    writeSecrets: (secrets) => {
      writeFileAtomic(join(path, SECRETS_FILE), `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
    },
    writeSummary: (summary) => {
      writeFileAtomic(join(path, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
    },
  };
}
