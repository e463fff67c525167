// A round's global adapter read back from a run directory (docs/interfaces.md section 6): the checkpoint's tensors,
// and what they are (rank, alpha, targets, head) from the checkpoint's own metadata or, for checkpoints written
// before it carried that, from manifest.json's `adapter`. Every failure is a sentence, nothing throws.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { adapterFromNamedTensors, fail, ok, type AdapterSpec, type AdapterState, type Result } from "@airlora/core";
import {
  PRESETS,
  adapterSpecFor,
  describeSpec,
  descriptionFromMetadata,
  readSafetensors,
  sameSpec,
  type AdapterDescription,
  type ModelConfig,
  type PresetName,
} from "@airlora/model";

export interface RunAdapter {
  readonly runDir: string;
  readonly runId: string;
  readonly round: number;
  readonly checkpoint: string;
  readonly preset: PresetName;
  readonly task: string;
  readonly config: ModelConfig;
  readonly description: AdapterDescription;
  readonly spec: AdapterSpec;
  readonly state: AdapterState;
  /** The checkpoint's metadata as written. */
  readonly metadata: Readonly<Record<string, string>>;
}

const CHECKPOINT = /^round-(\d{4,})\.safetensors$/u;

export function checkpointName(round: number): string {
  return `round-${String(round).padStart(4, "0")}.safetensors`;
}

/** The rounds that have a checkpoint, ascending. */
export function checkpointRounds(runDir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(join(runDir, "checkpoints"));
  } catch {
    return [];
  }
  return names
    .map((name) => CHECKPOINT.exec(name)?.[1])
    .filter((digits) => digits !== undefined)
    .map(Number)
    .sort((x, y) => x - y);
}

/** Round `round`'s adapter (the last checkpoint if undefined). */
export function readRunAdapter(runDir: string, round?: number): Result<RunAdapter> {
  const manifest = readManifest(runDir);
  if (!manifest.ok) return manifest;
  const rounds = checkpointRounds(runDir);
  const chosen = round ?? rounds[rounds.length - 1];
  if (chosen === undefined) return bad("no-checkpoint", `${runDir} has no checkpoints yet`);
  if (!rounds.includes(chosen)) {
    return bad("no-checkpoint", `round ${String(chosen)} has no checkpoint; rounds with one: ${rounds.join(", ")}`);
  }
  const checkpoint = join(runDir, "checkpoints", checkpointName(chosen));
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(checkpoint);
  } catch (error) {
    return bad("no-checkpoint", `${checkpoint}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const file = readSafetensors(bytes);
  if (!file.ok) return bad("bad-checkpoint", `${checkpoint}: ${file.error.reason}`);
  const { metadata, tensors } = file.value;
  const presetName = metadata.preset ?? manifest.value.preset;
  const preset = (Object.keys(PRESETS) as PresetName[]).find((name) => name === presetName);
  if (preset === undefined) return bad("bad-checkpoint", `${checkpoint}: unknown model preset "${String(presetName)}"`);
  const config = PRESETS[preset];
  const described = describe(metadata, manifest.value.adapter);
  if (!described.ok) return bad("bad-checkpoint", `${checkpoint}: ${described.error.reason}`);
  const spec = adapterSpecFor(config, described.value);
  if (manifest.value.adapter !== undefined && !sameSpec(spec, manifest.value.adapter)) {
    return bad("bad-checkpoint", `${checkpoint}: its metadata and manifest.json describe different adapters`);
  }
  const state = adapterFromNamedTensors(spec, tensors);
  if (!state.ok) return bad("bad-checkpoint", `${checkpoint}: ${state.error.reason}`);
  return ok({
    runDir,
    runId: metadata.airlora_run ?? manifest.value.runId,
    round: chosen,
    checkpoint,
    preset,
    task: metadata.task ?? manifest.value.task,
    config,
    description: described.value,
    spec,
    state: state.value,
    metadata,
  });
}

interface ManifestFacts {
  readonly runId: string;
  readonly preset: string | undefined;
  readonly task: string;
  /** manifest.json's `adapter`, written when the run started; absent before that. */
  readonly adapter: AdapterSpec | undefined;
}

function describe(
  metadata: Readonly<Record<string, string>>,
  adapter: AdapterSpec | undefined,
): Result<AdapterDescription> {
  const fromMetadata = descriptionFromMetadata(metadata);
  if (fromMetadata !== undefined) return fromMetadata;
  if (adapter === undefined) {
    return bad("bad-checkpoint", "neither its metadata nor manifest.json say what adapter it holds");
  }
  return describeSpec(adapter);
}

function readManifest(runDir: string): Result<ManifestFacts> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8"));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return bad("not-a-run", `${runDir} is not a run directory (manifest.json: ${why})`);
  }
  const manifest = record(parsed);
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const adapter = parseSpec(manifest.adapter);
  if (!adapter.ok) return bad("not-a-run", `${runDir}/manifest.json: adapter: ${adapter.error.reason}`);
  return ok({
    runId: text(manifest.runId) ?? "",
    preset: text(record(manifest.model).preset) ?? text(record(manifest.settings).preset),
    task: text(record(manifest.settings).task) ?? "",
    adapter: adapter.value,
  });
}

/** manifest.json's `adapter` ({alpha, modules: [{name, d, k, rank}], dense: [{name, shape}]}), or undefined. */
function parseSpec(value: unknown): Result<AdapterSpec | undefined> {
  if (value === undefined || value === null) return ok(undefined);
  const { alpha, modules, dense } = record(value);
  const int = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;
  if (typeof alpha !== "number" || !Array.isArray(modules) || !Array.isArray(dense)) {
    return bad("not-a-run", "needs alpha, modules and dense");
  }
  const parsedModules = modules.map(record);
  const parsedDense = dense.map(record);
  const modulesOk = parsedModules.every((m) => typeof m.name === "string" && int(m.d) && int(m.k) && int(m.rank));
  const denseOk = parsedDense.every((t) => typeof t.name === "string" && Array.isArray(t.shape) && t.shape.every(int));
  if (!modulesOk || !denseOk) return bad("not-a-run", "a module or dense tensor is malformed");
  return ok({
    alpha,
    modules: parsedModules.map((m) => ({
      name: m.name as string,
      d: m.d as number,
      k: m.k as number,
      rank: m.rank as number,
    })),
    dense: parsedDense.map((t) => ({ name: t.name as string, shape: t.shape as number[] })),
  });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

function bad(code: string, reason: string): { ok: false; error: { code: string; reason: string } } {
  return fail({ code, reason });
}
