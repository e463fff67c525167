// Stage 2 at one fixed round latency T (docs/algorithms.md section 5.4): who is in, which budget each gets, how much
// weighted energy is lost, and how short the round could be with exactly those budgets.

import { solveChoiceKnapsack, type ChoiceItem } from "./choice-knapsack";
import { fitRoundLatency, type UploadJob } from "./fit-latency";
import { requiredShare } from "./rate-model";
import type { Stage2Participant } from "./stage2-types";
import type { PreparedStage2 } from "./stage2-validate";

export interface LatencyEvaluation {
  /** The T this was solved at. */
  readonly latencySec: number;
  /** Least sum_n omega_n E_n at T (excluded clients lose everything); Infinity if nothing fits. */
  readonly energy: number;
  /** Chosen budget option per participant; undefined for the excluded (tau_n >= T). */
  readonly choice: readonly (number | undefined)[];
  /** The smallest T' <= T at which the chosen budgets still fit: the round shortened by the leftover share. */
  readonly fittedLatencySec: number;
}

const BITS_PER_BYTE = 8;

/**
 * Clients with tau_n >= T are excluded. Each included client's options cost requiredShare(8 S, T - tau_n), a
 * share that only depends on that client, so the allocation is a multiple-choice knapsack with capacity 1, solved
 * exactly. Options too big to send in time even with the whole uplink are dropped (they are the costliest, so the
 * rest is a prefix of the option list).
 */
export function evaluateLatency(prepared: PreparedStage2, latencySec: number): LatencyEvaluation {
  const { input, omega, options } = prepared;
  const infeasible: LatencyEvaluation = { latencySec, energy: Infinity, choice: [], fittedLatencySec: latencySec };
  const members: { readonly n: number; readonly participant: Stage2Participant; readonly bits: number[] }[] = [];
  const groups: ChoiceItem[][] = [];
  let excludedEnergy = 0;
  for (const [n, participant] of input.participants.entries()) {
    const weight = omega[n] ?? 0;
    if (participant.tauSec >= latencySec) {
      excludedEnergy += weight;
      continue;
    }
    const group: ChoiceItem[] = [];
    const bits: number[] = [];
    for (const option of options[n] ?? []) {
      const optionBits = BITS_PER_BYTE * option.byteBudget;
      const cost = requiredShare(participant.rate, input.totalBandwidth, optionBits, latencySec - participant.tauSec);
      if (cost === Infinity) break;
      group.push({ cost, value: weight * option.energyLost });
      bits.push(optionBits);
    }
    if (group.length === 0) return infeasible;
    members.push({ n, participant, bits });
    groups.push(group);
  }
  if (members.length === 0) return infeasible;
  const solved = solveChoiceKnapsack(groups);
  if (solved === undefined) return infeasible;
  const choice: (number | undefined)[] = input.participants.map(() => undefined);
  const jobs: UploadJob[] = members.map(({ n, participant, bits }, g) => {
    const picked = solved.choice[g] ?? 0;
    choice[n] = picked;
    return { tauSec: participant.tauSec, rate: participant.rate, bits: bits[picked] ?? 0 };
  });
  return {
    latencySec,
    energy: excludedEnergy + solved.value,
    choice,
    fittedLatencySec: Math.min(latencySec, fitRoundLatency(jobs, input.totalBandwidth, latencySec)),
  };
}
