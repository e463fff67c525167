// What a run is asked to do: everything the round machine needs to decide, as plain data (docs/rounds.md). The shell
// builds it from the CLI flags and the model (the adapter spec of every candidate rank comes from the model package,
// which this package may not import).
import { fail, ok, type AdapterSpec, type AggregationRuleName, type Precision, type Result } from "@airlora/core";
import type { LoraTargetName } from "@airlora/protocol";

export type SchedulerName = "tsfa" | "fixed";

export interface RunConfig {
  readonly runId: string;
  /** Classification runs start with a federated linear probe (round 0); LM runs log the base model as round 0. */
  readonly classification: boolean;
  readonly rule: AggregationRuleName;
  readonly scheduler: SchedulerName;
  /** LoRA rounds; the run is done after round `rounds`. */
  readonly rounds: number;
  /** A round starts with at least this many ready participants and aggregates only if this many submitted. */
  readonly minClients: number;
  /** The first round waits for this many ready participants (>= minClients): start a class when most have joined,
   * carry on while a quorum stays. */
  readonly startClients: number;
  readonly localSteps: number;
  /** T_bar: the long-term round latency TSFA keeps the time average at. */
  readonly latencyBudgetMs: number;
  /** W: the shared uplink, bits/s. */
  readonly uplinkBps: number;
  readonly precision: Precision;
  /** V of the drift-plus-penalty objective, seconds^2 (docs/algorithms.md section 5). */
  readonly penaltyWeight: number;
  /** A place-holder backlog, seconds: stage 2 weighs latency by Q + this, while Q itself (what the log reports and
   * what bounds the time-average overrun) starts at 0 and never counts it. With it, latency always has a price: a
   * round with an empty queue does not send everything whatever the uplink (docs/algorithms.md section 5.5). */
  readonly queueFloorSec: number;
  /** The deadline is the expected latency plus max(graceMs, graceFraction x expected). */
  readonly graceMs: number;
  readonly graceFraction: number;
  /** How long a probe round (round 0) may take at most; it closes as soon as every member has answered. */
  readonly probeDeadlineMs: number;
  /** `--scheduler fixed`: the share of components every participant keeps. */
  readonly fixedKeptRatio: number;
  /** `--error-feedback`: soft and top-k participants carry what they left out into the next round's update. */
  readonly errorFeedback: boolean;
  /** `--rank`: skip TSFA stage 1. */
  readonly overrideRank?: number;
  /** The adapter spec of every rank the run may choose (stage 1 candidates, or just the override). */
  readonly specs: readonly AdapterSpec[];
  /** The LoRA targets the specs were built from (travels in assignments so participants rebuild the same spec). */
  readonly targets: readonly LoraTargetName[];
  readonly seed: number;
  /** `--clip-norm`: LoRA-round updates whose change to the global adapter is longer are scaled back to it. */
  readonly clipNorm?: number;
}

/** What the stage-1 pilot measured on the coordinator's calibration slice before the run (absent with `--rank`). */
export interface PilotRecord {
  /** Energy of each rank index at r_max, summed over modules. */
  readonly spectrum: readonly number[];
  readonly rank: number;
  /** The coordinator's own ms per training step: the prior for every participant's compute time. */
  readonly msPerStep: number;
}

export function specForRank(config: RunConfig, rank: number): AdapterSpec | undefined {
  return config.specs.find((spec) => spec.modules[0]?.rank === rank);
}

export function candidateRanks(config: RunConfig): number[] {
  return config.specs.map((spec) => spec.modules[0]?.rank ?? 0).sort((a, b) => a - b);
}

/** Checks the numbers make sense together; the CLI reports the reason as is. */
export function checkRunConfig(config: RunConfig): Result<RunConfig> {
  const bad = (reason: string) => fail({ code: "invalid-config", reason });
  const positiveInts: [string, number][] = [
    ["rounds", config.rounds],
    ["minClients", config.minClients],
  ];
  for (const [name, value] of positiveInts) {
    if (!Number.isInteger(value) || value < 1) return bad(`${name} must be a positive integer (got ${value})`);
  }
  if (!Number.isInteger(config.startClients) || config.startClients < config.minClients)
    return bad(`startClients must be an integer >= minClients (got ${config.startClients})`);
  if (!Number.isInteger(config.localSteps) || config.localSteps < 1)
    return bad(`localSteps must be a positive integer (got ${config.localSteps})`);
  const positives: [string, number][] = [
    ["latencyBudgetMs", config.latencyBudgetMs],
    ["uplinkBps", config.uplinkBps],
    ["penaltyWeight", config.penaltyWeight],
    ["probeDeadlineMs", config.probeDeadlineMs],
  ];
  for (const [name, value] of positives) {
    if (!(value > 0 && Number.isFinite(value))) return bad(`${name} must be positive (got ${value})`);
  }
  if (!(config.graceMs >= 0) || !(config.graceFraction >= 0)) return bad("graceMs and graceFraction must be >= 0");
  if (!(config.queueFloorSec >= 0 && Number.isFinite(config.queueFloorSec)))
    return bad(`queueFloorSec must be >= 0 (got ${config.queueFloorSec})`);
  if (!(config.fixedKeptRatio > 0 && config.fixedKeptRatio <= 1)) return bad("fixedKeptRatio must be in (0, 1]");
  if (config.clipNorm !== undefined && !(config.clipNorm > 0 && Number.isFinite(config.clipNorm)))
    return bad(`clipNorm must be positive (got ${config.clipNorm})`);
  if (config.specs.length === 0) return bad("no adapter spec to choose from");
  if (config.specs.some((spec) => spec.modules.length === 0)) return bad("an adapter spec has no LoRA module");
  if (config.overrideRank !== undefined && specForRank(config, config.overrideRank) === undefined)
    return bad(`no adapter spec for --rank ${config.overrideRank}`);
  return ok(config);
}
