// What `airlora start` was asked to run (docs/interfaces.md): the flags after defaults, checked together. The
// defaults make `npm start` a sensible demo: spam on tiny, SOFT + TSFA, a laptop tab's round in 10-30 s.
import {
  DEFAULT_RANK_CANDIDATES,
  fail,
  ok,
  type AggregationRuleName,
  type Precision,
  type Result,
} from "@airlora/core";
import { PARTICIPANT_TRAINING, PRESETS, SOTU_PRESIDENTS, type ParticipantTrainingConfig } from "@airlora/model";
import type { LoraTargetName, PresetName, SchedulerName, TaskName, TrainingSettings } from "@airlora/protocol";

export interface RunSettings {
  readonly task: TaskName;
  readonly preset: PresetName;
  readonly rule: AggregationRuleName;
  readonly scheduler: SchedulerName;
  readonly rounds: number;
  readonly minClients: number;
  /** Ready participants the first round waits for (>= minClients). */
  readonly startClients: number;
  readonly localSteps: number;
  readonly latencyBudgetMs: number;
  /** W, bits/s (the flag is in Mbit/s). */
  readonly uplinkBps: number;
  readonly rank: number | undefined;
  readonly rankCandidates: readonly number[];
  readonly seed: number;
  readonly outDir: string;
  /** How many data shards the training split is cut into; participants take them in join order, round robin. */
  readonly shards: number;
  /** Dirichlet concentration of the spam label skew. */
  readonly alpha: number;
  readonly precision: Precision;
  /** V; seconds^2. */
  readonly penaltyWeight: number;
  /** The place-holder backlog stage 2 adds to Q, seconds. */
  readonly queueFloorSec: number;
  readonly graceMs: number;
  readonly keptRatio: number;
  /** `--error-feedback`: soft and top-k participants carry what they leave out into their next update. */
  readonly errorFeedback: boolean;
  /** Held-out rows evaluated after each round (undefined: all of them). */
  readonly evalRows: number | undefined;
  readonly maxClients: number;
  readonly chunkBytes: number;
  readonly probeBytes: number;
  readonly targets: readonly LoraTargetName[];
  readonly contextWindows: number;
  readonly training: TrainingSettings;
  readonly pilotSteps: number;
  /** `--clip-norm`: the longest change to the global adapter one update may make (undefined: no clipping). */
  readonly clipNorm: number | undefined;
}

export type RunFlags = Partial<RunSettings> & { readonly uplinkMbps?: number; readonly learningRate?: number };

/** Defaults that depend on the model: a tiny round trains ~20 steps of ~0.8 s; nano (tests, CI) 30 steps of ~70 ms,
 * enough for three rounds to lift a nano spam run above its linear probe. */
export function presetDefaults(preset: PresetName, task: TaskName) {
  const recipe: ParticipantTrainingConfig = PARTICIPANT_TRAINING[preset];
  const tiny = preset === "tiny";
  return {
    localSteps: tiny ? 20 : 30,
    latencyBudgetMs: tiny ? 25_000 : 10_000,
    // Evaluating 1,209 emails of 8 windows on tiny takes minutes; 64 keep an evaluation shorter than a round.
    evalRows: tiny && task === "spam" ? 64 : undefined,
    pilotSteps: tiny ? 12 : 8,
    // Short Adam pilots spread their energy evenly over the ranks, so stage 1 lands on the largest candidate the
    // channel affords (docs/design-notes.md, "Federated rounds"); larger ranks learned no better (tiny, centrally:
    // 16 against 8) or worse (nano: 32, its full width). So the candidates stop at 8, and a quarter of the width.
    rankCandidates: DEFAULT_RANK_CANDIDATES.filter((r) => r <= Math.min(8, PRESETS[preset].nEmbd / 4)),
    recipe,
  };
}

export function runSettings(flags: RunFlags): Result<RunSettings> {
  const task = flags.task ?? "spam";
  const preset = flags.preset ?? "tiny";
  const defaults = presetDefaults(preset, task);
  const latencyBudgetMs = flags.latencyBudgetMs ?? defaults.latencyBudgetMs;
  const { recipe } = defaults;
  // Losing the whole update weighs as much as a backlog of one budget over one budget-long round.
  const penaltyWeight = flags.penaltyWeight ?? (latencyBudgetMs / 1000) ** 2;
  const settings: RunSettings = {
    task,
    preset,
    rule: flags.rule ?? "soft",
    scheduler: flags.scheduler ?? "tsfa",
    rounds: flags.rounds ?? 20,
    minClients: flags.minClients ?? 2,
    startClients: Math.max(flags.startClients ?? 0, flags.minClients ?? 2),
    localSteps: flags.localSteps ?? defaults.localSteps,
    latencyBudgetMs,
    uplinkBps: flags.uplinkBps ?? 1e6 * (flags.uplinkMbps ?? 2),
    rank: flags.rank,
    rankCandidates: flags.rankCandidates ?? defaults.rankCandidates,
    seed: flags.seed ?? 0,
    outDir: flags.outDir ?? "runs",
    shards: flags.shards ?? 10,
    alpha: flags.alpha ?? 10,
    precision: flags.precision ?? "fp16",
    penaltyWeight,
    // V / T_bar: even with an empty queue, a round one budget longer costs as much as losing the whole update.
    queueFloorSec: flags.queueFloorSec ?? penaltyWeight / (latencyBudgetMs / 1000),
    graceMs: flags.graceMs ?? 2000,
    keptRatio: flags.keptRatio ?? 0.5,
    errorFeedback: flags.errorFeedback ?? false,
    evalRows: flags.evalRows ?? defaults.evalRows,
    maxClients: flags.maxClients ?? 1000,
    chunkBytes: flags.chunkBytes ?? 65_536,
    probeBytes: flags.probeBytes ?? 131_072,
    targets: flags.targets ?? [...recipe.targets],
    contextWindows: flags.contextWindows ?? (task === "spam" ? recipe.contextWindows : 1),
    training: flags.training ?? {
      batchSize: recipe.batchSize,
      microBatchSize: recipe.microBatchSize,
      learningRate: flags.learningRate ?? recipe.learningRate,
      softLambda: recipe.softLambda,
      windows: recipe.windows,
      probeIterations: recipe.probeIterations,
      probeLearningRate: recipe.probeLearningRate,
      probeL2: recipe.probeL2,
    },
    pilotSteps: flags.pilotSteps ?? defaults.pilotSteps,
    clipNorm: flags.clipNorm,
  };
  return checkSettings(settings);
}

function checkSettings(s: RunSettings): Result<RunSettings> {
  const bad = (reason: string) => fail({ code: "invalid-flags", reason });
  if (s.task === "sotu" && s.shards > SOTU_PRESIDENTS) {
    return bad(
      `--shards: sotu has ${String(SOTU_PRESIDENTS)} presidents, so at most ${String(SOTU_PRESIDENTS)} shards`,
    );
  }
  if (s.minClients > s.maxClients) return bad("--min-clients is larger than --max-clients");
  if (s.rank !== undefined && !s.rankCandidates.includes(s.rank) && s.rank > 256) return bad("--rank is at most 256");
  if (s.chunkBytes < 256 || s.chunkBytes > 65_536) return bad("--chunk-bytes must be in 256..65536");
  if (s.training.microBatchSize > s.training.batchSize) return bad("micro-batch larger than the batch");
  return ok(s);
}
