// Everything a run needs before its first participant joins (docs/rounds.md): the task cut into shards, the
// held-out set and the calibration slice (in the evaluation worker), TSFA stage 1's pilot, the model files and
// shards ready to serve, the machine's config, and the run directory.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import { PRESETS, TASK_CLASSES, adapterSpecFor, taskHead } from "@airlora/model";
import { modelDir, sha256Hex } from "@airlora/model/node";
import type { SessionInfo } from "@airlora/protocol";
import { checkRunConfig, type PilotRecord, type RunConfig } from "@airlora/rounds";
import type { Evaluator } from "../evaluator/evaluator";
import { etagOf, sameData } from "./data-identity";
import type { ResumePoint } from "./resume";
import { createRunDirectory, openRunDirectory, type RunDirectory } from "./run-directory";
import type { RunSettings } from "./run-settings";

export interface Resource {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly etag: string;
}

export interface PreparedRun {
  readonly runId: string;
  readonly settings: RunSettings;
  readonly config: RunConfig;
  readonly pilot: PilotRecord | undefined;
  readonly model: { readonly weights: Resource; readonly poolingCentre: Resource };
  readonly shards: readonly (Resource & { readonly rows: number })[];
  readonly directory: RunDirectory;
  /** The manifest's fields known before the run starts (stage 1 is added when it does). */
  readonly manifest: Record<string, unknown>;
  sessionInfo(shardIndex: number): SessionInfo;
}

export interface PrepareProgress {
  (stage: string): void;
}

export async function prepareRun(
  settings: RunSettings,
  evaluator: Evaluator,
  versions: Record<string, string>,
  onProgress: PrepareProgress = () => undefined,
  resume?: ResumePoint,
): Promise<Result<PreparedRun>> {
  const config = PRESETS[settings.preset];
  const classes = TASK_CLASSES[settings.task];
  const head = taskHead(settings.task);
  const ranks = settings.rank === undefined ? [...settings.rankCandidates] : [settings.rank];
  const specs = ranks.map((rank) => adapterSpecFor(config, { rank, targets: settings.targets, head }));
  const runId = resume?.runId ?? newRunId(settings);
  const machineConfig: RunConfig = {
    runId,
    classification: classes > 0,
    rule: settings.rule,
    scheduler: settings.scheduler,
    rounds: settings.rounds,
    minClients: settings.minClients,
    startClients: settings.startClients,
    localSteps: settings.localSteps,
    latencyBudgetMs: settings.latencyBudgetMs,
    uplinkBps: settings.uplinkBps,
    precision: settings.precision,
    penaltyWeight: settings.penaltyWeight,
    queueFloorSec: settings.queueFloorSec,
    graceMs: settings.graceMs,
    graceFraction: 0.5,
    probeDeadlineMs: Math.max(60_000, 2 * settings.latencyBudgetMs),
    fixedKeptRatio: settings.keptRatio,
    errorFeedback: settings.errorFeedback,
    ...(settings.rank === undefined ? {} : { overrideRank: settings.rank }),
    specs,
    targets: settings.targets,
    seed: settings.seed,
    ...(settings.clipNorm === undefined ? {} : { clipNorm: settings.clipNorm }),
  };
  const checked = checkRunConfig(machineConfig);
  if (!checked.ok) return checked;

  onProgress(`preparing ${settings.task} (${settings.shards} shards) and the held-out set`);
  const largest = Math.max(...ranks);
  const data = await evaluator.prepare({
    ...dataOf(settings),
    evalRows: settings.evalRows,
    split: "validation",
    // A resumed run keeps the pilot it measured: its rank is chosen, and a new figure would change the schedule.
    pilot:
      settings.rank === undefined && resume === undefined
        ? { rank: largest, targets: settings.targets, steps: settings.pilotSteps, training: settings.training }
        : null,
  });
  if (!data.ok) return fail({ code: data.error.code, reason: `preparing the run: ${data.error.reason}` });
  const pilot: PilotRecord | undefined =
    resume !== undefined
      ? resume.pilot
      : data.value.pilot === null
        ? undefined
        : { ...data.value.pilot, rank: largest };

  const dir = modelDir(settings.preset);
  const weights = readFileSync(join(dir, "model.safetensors"));
  const centre = readFileSync(join(dir, "pooling-centre.safetensors"));
  const weightsHash = sha256Hex(weights);
  const centreHash = sha256Hex(centre);
  const model = {
    weights: resource(`/api/run/model/${weightsHash.slice(0, 16)}/model.safetensors`, weights, weightsHash),
    poolingCentre: resource(`/api/run/model/${centreHash.slice(0, 16)}/pooling-centre.safetensors`, centre, centreHash),
  };
  const shards = data.value.shards.map((shard, index) => {
    const hash = sha256Hex(shard.bytes);
    return { ...resource(`/api/run/shards/${index}-${hash.slice(0, 16)}.bin`, shard.bytes, hash), rows: shard.rows };
  });
  if (resume !== undefined) {
    const same = sameData(
      resume.manifest,
      weightsHash,
      shards.map((s) => s.etag),
      { code: "cannot-resume", hint: "resume with the same AirLoRA version" },
    );
    if (!same.ok) return same;
  }
  const directory = resume === undefined ? createRunDirectory(settings.outDir, runId) : openRunDirectory(resume.runDir);
  const manifest: Record<string, unknown> = resume?.manifest ?? {
    runId,
    createdAt: new Date().toISOString(),
    versions,
    settings: { ...settings, training: settings.training },
    model: { preset: settings.preset, config, sha256: weightsHash, poolingCentreSha256: centreHash },
    data: {
      shards: shards.map((s) => ({ rows: s.rows, bytes: s.bytes.length, sha256: s.etag })),
      evalSplit: "validation",
      evalRows: data.value.evalRows,
      evalRowsAvailable: data.value.evalRowsAvailable,
      calibrationRows: data.value.calibrationRows,
      stats: data.value.stats,
    },
    pilot: pilot ?? null,
    stage1: null,
  };
  directory.writeManifest(manifest);
  const sessionInfo = (shardIndex: number): SessionInfo => {
    const shard = shards[shardIndex % shards.length] ?? shards[0];
    return {
      runId,
      task: settings.task,
      preset: settings.preset,
      rule: settings.rule,
      model: {
        weights: model.weights.path,
        poolingCentre: model.poolingCentre.path,
        bytes: weights.length + centre.length,
      },
      shard: { path: shard?.path ?? "/", rows: shard?.rows ?? 1, bytes: shard?.bytes.length ?? 0 },
      training: settings.training,
      uplinkBps: settings.uplinkBps,
      chunkBytes: settings.chunkBytes,
      probeBytes: settings.probeBytes,
      uploadIdleMs: 30_000,
    };
  };
  return ok({
    runId,
    settings,
    config: machineConfig,
    pilot,
    model,
    shards,
    directory,
    manifest,
    sessionInfo,
  });
}

/** The settings the task's data is a pure function of: the same ones give the same shards and splits. */
export function dataOf(settings: RunSettings) {
  const { preset, task, shards, alpha, seed, contextWindows } = settings;
  return { preset, task, shards, alpha, seed, contextWindows };
}

function resource(path: string, bytes: Uint8Array, sha256: string): Resource {
  return { path, bytes, etag: etagOf(sha256) };
}

function newRunId(settings: RunSettings): string {
  const stamp = new Date().toISOString().replace(/[-:]/gu, "").replace("T", "-").slice(0, 15);
  const random = Math.floor(Math.random() * 0xffff)
    .toString(16)
    .padStart(4, "0");
  return `${stamp}-${settings.task}-${settings.preset}-${random}`;
}
