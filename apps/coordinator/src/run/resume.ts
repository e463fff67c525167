// `airlora start --resume RUN_DIR` (docs/interfaces.md, "Checkpoints and resume"): finds the last round that is
// complete on disk — logged in rounds.jsonl, its adapter and state saved and matching — and everything needed to
// carry on from it. Nothing on disk is trusted: each file is parsed and checked, a torn last log line (a crash mid
// append) is dropped, and a later round that is not complete is run again from its start.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { adapterFromNamedTensors, fail, ok, type AdapterState, type Result } from "@airlora/core";
import { PRESETS, adapterSpecFor, readSafetensors, taskHead } from "@airlora/model";
import { sha256Hex } from "@airlora/model/node";
import { RoundLogLine, RunCheckpointState } from "@airlora/protocol";
import type { PilotRecord } from "@airlora/rounds";
import { z } from "zod";
import { checkpointPaths, SECRETS_FILE, type RunSecrets } from "./run-directory";
import type { RunSettings } from "./run-settings";
import { settingsFromManifest } from "./settings-file";

export interface ResumeCheckpoint {
  readonly round: number;
  readonly state: RunCheckpointState;
  readonly global: AdapterState;
}

export interface ResumePoint {
  readonly runDir: string;
  readonly runId: string;
  readonly settings: RunSettings;
  readonly manifest: Record<string, unknown>;
  readonly secrets: RunSecrets | undefined;
  readonly pilot: PilotRecord | undefined;
  /** The log up to and including the checkpoint's round (empty without one: the run starts over). */
  readonly lines: readonly RoundLogLine[];
  /** undefined: no round is complete on disk yet. */
  readonly checkpoint: ResumeCheckpoint | undefined;
  /** Lines the log held beyond `lines` (incomplete rounds, a torn last line), dropped on resume. */
  readonly droppedLines: number;
  /** The run already logged its last round: there is nothing to resume. */
  readonly finished: boolean;
}

const Pilot = z.strictObject({
  spectrum: z.array(z.number().nonnegative()).max(4096),
  rank: z.number().int().positive(),
  msPerStep: z.number().positive(),
});
const Secrets = z.strictObject({ joinToken: z.string().min(8).max(128), adminToken: z.string().min(8).max(128) });

export function loadResumePoint(runDir: string): Result<ResumePoint> {
  const bad = (reason: string) => fail({ code: "cannot-resume", reason: `${runDir}: ${reason}` });
  const manifestPath = join(runDir, "manifest.json");
  if (!existsSync(manifestPath)) return bad("no manifest.json here; is this a run directory?");
  const manifest = readJson(manifestPath);
  if (!manifest.ok) return bad(manifest.error.reason);
  const manifestValue = manifest.value as Record<string, unknown>;
  const runId = manifestValue.runId;
  if (typeof runId !== "string" || !/^[A-Za-z0-9_-]{1,64}$/u.test(runId)) return bad("manifest.json has no runId");
  const settings = settingsFromManifest(manifestValue);
  if (!settings.ok) return bad(settings.error.reason);
  const pilot = Pilot.nullable().safeParse(manifestValue.pilot ?? null);
  if (!pilot.success) return bad("manifest.json has an unreadable pilot record");

  let secrets: RunSecrets | undefined;
  const secretsPath = join(runDir, SECRETS_FILE);
  if (existsSync(secretsPath)) {
    const parsed = readJson(secretsPath);
    const checked = parsed.ok ? Secrets.safeParse(parsed.value) : undefined;
    if (checked?.success !== true) return bad(`${SECRETS_FILE} is unreadable`);
    secrets = checked.data;
  }

  const log = readLog(join(runDir, "rounds.jsonl"));
  const checkpoint = lastCompleteCheckpoint(runDir, runId, settings.value, log.lines);
  if (!checkpoint.ok) return bad(checkpoint.error.reason);
  const lastRound = checkpoint.value?.round ?? -1;
  const lines = log.lines.filter((line) => line.round <= lastRound);
  const gap = lines.findIndex((line, i) => line.round !== i);
  if (gap >= 0) return bad(`rounds.jsonl is not rounds 0..${lastRound} in order (line ${gap + 1})`);
  const lora = lines.filter((line) => line.phase === "lora").length;
  return ok({
    runDir,
    runId,
    settings: settings.value,
    manifest: manifestValue,
    secrets,
    pilot: pilot.data ?? undefined,
    lines,
    checkpoint: checkpoint.value,
    droppedLines: log.lines.length - lines.length + log.torn,
    finished: lora >= settings.value.rounds,
  });
}

/** The newest round whose state, adapter and log line are all there and agree; undefined if none is. */
function lastCompleteCheckpoint(
  runDir: string,
  runId: string,
  settings: RunSettings,
  lines: readonly RoundLogLine[],
): Result<ResumeCheckpoint | undefined> {
  const dir = join(runDir, "checkpoints");
  const rounds = existsSync(dir)
    ? readdirSync(dir)
        .map((name) => /^round-(\d{4,})\.json$/u.exec(name)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number)
        .sort((a, b) => b - a)
    : [];
  const logged = new Set(lines.map((line) => line.round));
  for (const round of rounds) {
    if (!logged.has(round)) continue; // closed, but its line (its evaluation) never made it: run it again
    const saved = readCheckpoint(runDir, runId, settings, round);
    if (!saved.ok) return saved;
    if (saved.value !== undefined) return saved;
  }
  return ok(undefined);
}

/** Round `round`'s checkpoint if its state and adapter are there and agree (undefined if not); an adapter that
 * agrees with its state but does not fit the run's settings is an error. */
export function readCheckpoint(
  runDir: string,
  runId: string,
  settings: RunSettings,
  round: number,
): Result<ResumeCheckpoint | undefined> {
  const paths = checkpointPaths(runDir, round);
  const raw = readJson(paths.state);
  const state = raw.ok ? RunCheckpointState.safeParse(raw.value) : undefined;
  if (state?.success !== true || state.data.runId !== runId || state.data.round !== round) return ok(undefined);
  if (!existsSync(paths.adapter)) return ok(undefined);
  const bytes = new Uint8Array(readFileSync(paths.adapter));
  if (sha256Hex(bytes) !== state.data.adapterSha256) return ok(undefined);
  const global = readAdapter(bytes, settings, state.data.machine.rank);
  if (!global.ok) return fail(global.error);
  return ok({ round, state: state.data, global: global.value });
}

function readAdapter(bytes: Uint8Array, settings: RunSettings, rank: number): Result<AdapterState> {
  const file = readSafetensors(bytes);
  if (!file.ok) return file;
  const head = taskHead(settings.task);
  const spec = adapterSpecFor(PRESETS[settings.preset], { rank, targets: settings.targets, head });
  return adapterFromNamedTensors(spec, file.value.tensors);
}

/** Every line that parses, in file order, stopping at the first that does not (a torn append is the last line). */
function readLog(path: string): { lines: RoundLogLine[]; torn: number } {
  if (!existsSync(path)) return { lines: [], torn: 0 };
  const texts = readFileSync(path, "utf8").split("\n");
  const lines: RoundLogLine[] = [];
  for (const [index, text] of texts.entries()) {
    if (text.trim() === "") continue;
    const parsed = parseJson(text);
    const line = parsed.ok ? RoundLogLine.safeParse(parsed.value) : undefined;
    if (line?.success !== true) {
      return { lines, torn: texts.slice(index).filter((t) => t.trim() !== "").length };
    }
    lines.push(line.data);
  }
  return { lines, torn: 0 };
}

function readJson(path: string): Result<unknown> {
  try {
    return parseJson(readFileSync(path, "utf8"));
  } catch (error) {
    return fail({ code: "unreadable", reason: `${path}: ${error instanceof Error ? error.message : String(error)}` });
  }
}

function parseJson(text: string): Result<unknown> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return fail({ code: "bad-json", reason: "not JSON" });
  }
}
