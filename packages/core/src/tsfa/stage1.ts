// TSFA stage 1 (docs/algorithms.md section 5.1): the structural LoRA rank, chosen once before round 1 from a pilot
// importance spectrum and average channel statistics, with a record of why (kept in the run manifest).

import { fail, ok, type Result } from "../result";

export const DEFAULT_RANK_CANDIDATES: readonly number[] = [2, 4, 8, 16, 32];

export interface Stage1Input {
  /** Ranks to choose from (default 2, 4, 8, 16, 32). */
  readonly candidates?: readonly number[];
  /** Pilot importance of each rank component at r_max (any order, any positive scale; sorted and normalised here). */
  readonly pilotSpectrum: readonly number[];
  /** W: the shared uplink in bits/s. */
  readonly uplinkBps: number;
  /** N_exp: how many clients a round is expected to have. */
  readonly expectedClients: number;
  /** C_bar: mean uplink capacity of one client, bits/s. */
  readonly meanCapacityBps: number;
  /** T_bar: the latency budget. */
  readonly latencyBudgetSec: number;
  /** tau_bar: mean compute + download time. */
  readonly meanComputeSec: number;
  /** Bytes of one rank component (a'_i and b'_i over every LoRA module) at rank r. */
  readonly bytesPerComponent: (rank: number) => number;
  /** Bytes sent whatever is kept (header, dense head); comes off S_bar before buying components. Default 0. */
  readonly overheadBytes?: number;
  /** eta: the share of pilot energy the rank must capture (default 0.9). */
  readonly energyTarget?: number;
  /** rho_min: the least fraction of the rank the channel must afford (default 0.25). */
  readonly minKeptRatio?: number;
  /** `--rank`: use this rank whatever the rest says. */
  readonly overrideRank?: number;
}

export interface RankCandidate {
  readonly rank: number;
  /** Pilot energy in the `rank` largest components. */
  readonly capturedEnergy: number;
  readonly bytesPerComponent: number;
  /** k_bar: components the expected payload buys at this rank. */
  readonly affordableComponents: number;
  /** min(k_bar, r) / r. */
  readonly keptRatio: number;
}

export interface Stage1Record {
  readonly rank: number;
  readonly reason: string;
  /** The pilot spectrum, normalised to sum 1 and sorted descending. */
  readonly spectrum: readonly number[];
  /** S_bar = min(W / N_exp, C_bar) (T_bar - tau_bar) / 8. */
  readonly expectedPayloadBytes: number;
  readonly energyTarget: number;
  readonly minKeptRatio: number;
  readonly candidates: readonly RankCandidate[];
}

/**
 * The smallest candidate whose spectrum prefix captures >= eta of the pilot energy (the largest candidate if none
 * does), then capped: if the channel cannot afford rho_min of that rank (k_bar / r < rho_min), the largest smaller
 * candidate that it can afford; if even the smallest cannot be afforded, the smallest. A rank above the pilot's
 * r_max is taken to capture everything.
 */
export function chooseRank(input: Stage1Input): Result<Stage1Record> {
  const problem = inputProblem(input);
  if (problem !== undefined) return fail({ code: "invalid-stage1-input", reason: problem });
  const eta = input.energyTarget ?? 0.9;
  const rhoMin = input.minKeptRatio ?? 0.25;
  const total = input.pilotSpectrum.reduce((s, e) => s + e, 0);
  const spectrum = input.pilotSpectrum.map((e) => e / total).sort((a, b) => b - a);
  const perClientBps = Math.min(input.uplinkBps / input.expectedClients, input.meanCapacityBps);
  const expectedPayloadBytes = (perClientBps * Math.max(0, input.latencyBudgetSec - input.meanComputeSec)) / 8;
  const componentBudget = Math.max(0, expectedPayloadBytes - (input.overheadBytes ?? 0));
  const candidates = [...new Set(input.candidates ?? DEFAULT_RANK_CANDIDATES)]
    .sort((a, b) => a - b)
    .map((rank): RankCandidate => {
      const bytes = input.bytesPerComponent(rank);
      const affordable = Math.floor(componentBudget / bytes);
      return {
        rank,
        capturedEnergy: Math.min(
          1,
          spectrum.slice(0, rank).reduce((s, e) => s + e, 0),
        ),
        bytesPerComponent: bytes,
        affordableComponents: affordable,
        keptRatio: Math.min(affordable, rank) / rank,
      };
    });
  const record = { spectrum, expectedPayloadBytes, energyTarget: eta, minKeptRatio: rhoMin, candidates };
  if (input.overrideRank !== undefined)
    return ok({ ...record, rank: input.overrideRank, reason: `override: --rank ${input.overrideRank}` });
  return ok({ ...record, ...pick(candidates, eta, rhoMin) });
}

function pick(
  candidates: readonly RankCandidate[],
  eta: number,
  rhoMin: number,
): { readonly rank: number; readonly reason: string } {
  const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
  const describe = (c: RankCandidate): string =>
    `r=${c.rank} captures ${percent(c.capturedEnergy)}, the channel affords ${c.affordableComponents} components ` +
    `(k/r = ${c.keptRatio.toFixed(2)})`;
  const target = candidates.find((c) => c.capturedEnergy >= eta - 1e-12) ?? candidates.at(-1);
  if (target === undefined) return { rank: 0, reason: "no candidates" };
  const energyReason =
    target.capturedEnergy >= eta - 1e-12
      ? `smallest rank capturing >= ${percent(eta)} of the pilot energy`
      : `no rank captures ${percent(eta)}; the largest candidate`;
  if (target.keptRatio >= rhoMin) return { rank: target.rank, reason: `${energyReason}: ${describe(target)}` };
  const capped = candidates.filter((c) => c.rank < target.rank && c.keptRatio >= rhoMin).at(-1);
  if (capped !== undefined)
    return {
      rank: capped.rank,
      reason:
        `capped by the channel: ${describe(target)} < ${rhoMin}, so the largest affordable smaller rank: ` +
        describe(capped),
    };
  const smallest = candidates[0] ?? target;
  return {
    rank: smallest.rank,
    reason: `the channel affords no candidate (k/r < ${rhoMin} for all); the smallest: ${describe(smallest)}`,
  };
}

function inputProblem(input: Stage1Input): string | undefined {
  const candidates = input.candidates ?? DEFAULT_RANK_CANDIDATES;
  if (candidates.length === 0 || candidates.some((r) => !Number.isInteger(r) || r <= 0))
    return "candidates must be positive integers";
  if (input.pilotSpectrum.length === 0 || input.pilotSpectrum.some((e) => !(e >= 0 && Number.isFinite(e))))
    return "pilotSpectrum must hold finite energies >= 0";
  if (!(input.pilotSpectrum.reduce((s, e) => s + e, 0) > 0)) return "pilotSpectrum has no energy";
  const positives = [input.uplinkBps, input.expectedClients, input.meanCapacityBps, input.latencyBudgetSec];
  if (positives.some((x) => !(x > 0 && Number.isFinite(x))))
    return "uplinkBps, expectedClients, meanCapacityBps and latencyBudgetSec must be positive";
  if (!(input.meanComputeSec >= 0 && Number.isFinite(input.meanComputeSec))) return "meanComputeSec must be >= 0";
  if (candidates.some((r) => !(input.bytesPerComponent(r) > 0))) return "bytesPerComponent must be positive";
  const eta = input.energyTarget ?? 0.9;
  const rho = input.minKeptRatio ?? 0.25;
  if (!(eta > 0 && eta <= 1) || !(rho >= 0 && rho <= 1)) return "energyTarget in (0, 1], minKeptRatio in [0, 1]";
  if (input.overrideRank !== undefined && !(Number.isInteger(input.overrideRank) && input.overrideRank > 0))
    return "overrideRank must be a positive integer";
  if (input.overheadBytes !== undefined && !(input.overheadBytes >= 0)) return "overheadBytes must be >= 0";
  return undefined;
}
