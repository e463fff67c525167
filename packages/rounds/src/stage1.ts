// TSFA stage 1 when the run first reaches its quorum (docs/algorithms.md section 5.1): the structural rank from the
// pilot's spectrum and the channel statistics measured by the ready participants' join probes.
import { chooseRank, type Stage1Record } from "@airlora/core";
import { softComponentBytes, softOverheadBytes } from "@airlora/protocol";
import { candidateRanks, specForRank, type PilotRecord, type RunConfig } from "./config";
import type { Participant } from "./state";

export interface RankChoice {
  readonly rank: number;
  readonly stage1: Stage1Record | undefined;
}

export function chooseRunRank(
  config: RunConfig,
  pilot: PilotRecord | undefined,
  ready: readonly Participant[],
): RankChoice {
  const candidates = candidateRanks(config);
  if (config.overrideRank !== undefined && pilot === undefined) return { rank: config.overrideRank, stage1: undefined };
  const smallest = candidates[0] ?? 1;
  if (pilot === undefined) return { rank: smallest, stage1: undefined };
  const largest = specForRank(config, candidates.at(-1) ?? smallest);
  const bytesPerComponent = (rank: number): number => {
    const spec = specForRank(config, rank) ?? largest;
    return (spec?.modules ?? []).reduce((sum, m) => sum + softComponentBytes(m, config.precision), 0);
  };
  const meanCapacityBps = ready.reduce((sum, p) => sum + p.uplinkBps, 0) / Math.max(1, ready.length);
  const chosen = chooseRank({
    candidates,
    pilotSpectrum: pilot.spectrum,
    uplinkBps: config.uplinkBps,
    expectedClients: Math.max(1, ready.length),
    meanCapacityBps: meanCapacityBps > 0 ? meanCapacityBps : config.uplinkBps,
    latencyBudgetSec: config.latencyBudgetMs / 1000,
    meanComputeSec: (pilot.msPerStep * config.localSteps) / 1000,
    bytesPerComponent,
    overheadBytes: largest === undefined ? 0 : softOverheadBytes(largest, config.precision),
    ...(config.overrideRank === undefined ? {} : { overrideRank: config.overrideRank }),
  });
  if (!chosen.ok) return { rank: config.overrideRank ?? smallest, stage1: undefined };
  return { rank: chosen.value.rank, stage1: chosen.value };
}
