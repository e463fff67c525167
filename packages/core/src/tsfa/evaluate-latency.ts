// Stage 2 at one fixed round latency T (docs/algorithms.md section 5.4): who is in, which budget each gets, how much
// weighted energy is lost, and how short the round could be with exactly those budgets.

import { solveChoiceKnapsack, type ChoiceProblem } from "./choice-knapsack";
import { fitRoundLatency, type UploadJob } from "./fit-latency";
import { shareFor, shareSlope, uploadWindow } from "./rate-model";
import type { PreparedStage2 } from "./stage2-validate";

export interface LatencyEvaluation {
  /** The T this was solved at. */
  readonly latencySec: number;
  /** sum_n omega_n E_n of the answer (left-out clients lose everything); Infinity if nothing fits. */
  readonly energy: number;
  /** A proven lower bound of the least weighted energy lost at T (<= energy). */
  readonly energyLowerBound: number;
  /** Chosen budget option per participant; undefined for those left out. */
  readonly choice: readonly (number | undefined)[];
  /** The smallest T' <= T at which the chosen budgets still fit: the round shortened by the leftover share. */
  readonly fittedLatencySec: number;
  /**
   * A concave lower bound tb of E* on [cellLoSec, T], given by its two ends: tb(T) = tangentBoundHi (the Lagrangian
   * bound at T with the knapsack's price lambda) and tb(cellLoSec) = tangentBoundLo, the same with every option's
   * share replaced by its tangent at T (shares are convex and decreasing in the time, so the tangent lies below).
   */
  readonly tangentBoundLo: number;
  readonly tangentBoundHi: number;
}

const BITS_PER_BYTE = 8;

/** The knapsack's arrays, allocated once per solve and refilled at every latency. Option 0 of each group is
 * "sit out" (share 0, the client's whole weight lost); option 1 + j is budget option j. */
export interface LatencyWorkspace extends ChoiceProblem {
  readonly start: Int32Array;
  readonly length: Int32Array;
  readonly cost: Float64Array;
  readonly value: Float64Array;
  /** Per budget option (same slots as cost): bits sent and ln bits (see shareFor). */
  readonly bits: Float64Array;
  readonly logBits: Float64Array;
  /** -d cost / d T at the latency priced (shareSlope). */
  readonly slope: Float64Array;
}

export function createWorkspace(prepared: PreparedStage2): LatencyWorkspace {
  const groups = prepared.input.participants.length;
  const start = new Int32Array(groups + 1);
  for (let n = 0; n < groups; n += 1) start[n + 1] = (start[n] ?? 0) + 1 + (prepared.options[n]?.length ?? 0);
  const total = start[groups] ?? 0;
  const bits = new Float64Array(total);
  const logBits = new Float64Array(total);
  for (let n = 0; n < groups; n += 1)
    (prepared.options[n] ?? []).forEach((option, j) => {
      const at = (start[n] ?? 0) + 1 + j;
      bits[at] = BITS_PER_BYTE * option.byteBudget;
      logBits[at] = Math.log(bits[at] ?? 0);
    });
  return {
    groups,
    start,
    length: new Int32Array(groups),
    cost: new Float64Array(total),
    value: new Float64Array(total),
    bits,
    logBits,
    slope: new Float64Array(total),
  };
}

/**
 * Sitting out is always allowed (docs/algorithms.md section 5.4: leaving a client out can free share that lowers
 * the objective), and forced on clients with tau_n >= T. Each budget option of an included client costs
 * requiredShare(8 S, T - tau_n), a share that depends only on that client, so the allocation is a multiple-choice
 * knapsack with capacity 1, solved within `tolerance` (in weighted energy). Options too big to send in time even
 * with the whole uplink are dropped (they are the costliest, so the rest is a prefix of the option list). At least
 * one client must be in: if the knapsack leaves everyone out, the cheapest inclusion that fits is taken (it then
 * loses everything too, or the knapsack would have taken it).
 */
export function evaluateLatency(
  prepared: PreparedStage2,
  workspace: LatencyWorkspace,
  latencySec: number,
  tolerance: number | ((lowerBound: number, tangent: TangentBounds) => number),
  cellLoSec = latencySec,
): LatencyEvaluation {
  const { input, omega, options } = prepared;
  const { start, length, cost, value, bits, logBits, slope } = workspace;
  const infeasible: LatencyEvaluation = {
    latencySec,
    energy: Infinity,
    energyLowerBound: Infinity,
    choice: [],
    fittedLatencySec: latencySec,
    tangentBoundLo: Infinity,
    tangentBoundHi: Infinity,
  };
  const { participants, totalBandwidth } = input;
  for (let n = 0; n < participants.length; n += 1) {
    const participant = participants[n];
    const s = start[n] ?? 0;
    const weight = omega[n] ?? 0;
    cost[s] = 0;
    value[s] = weight;
    slope[s] = 0;
    let count = 1;
    if (participant !== undefined && participant.tauSec < latencySec) {
      const window = uploadWindow(participant.rate, totalBandwidth, latencySec - participant.tauSec);
      for (const option of options[n] ?? []) {
        const share = shareFor(window, bits[s + count] ?? 0, logBits[s + count]);
        if (share > 1) break;
        cost[s + count] = share;
        slope[s + count] = shareSlope(window, bits[s + count] ?? 0, share);
        value[s + count] = weight * option.energyLost;
        count += 1;
      }
    }
    length[n] = count;
  }
  const earlierSec = latencySec - cellLoSec;
  let tangent: TangentBounds | undefined;
  const solved = solveChoiceKnapsack(workspace, 1, (lowerBound, lambda) => {
    tangent = tangentBounds(workspace, lambda, earlierSec);
    return typeof tolerance === "number" ? tolerance : tolerance(lowerBound, tangent);
  });
  if (solved === undefined) return infeasible;
  const choice: (number | undefined)[] = participants.map((_, n) => {
    const picked = solved.choice[n] ?? 0;
    return picked === 0 ? undefined : picked - 1;
  });
  if (!choice.some((c) => c !== undefined)) {
    let bestGroup = -1;
    let bestExtra = Infinity;
    let bestCost = Infinity;
    for (let n = 0; n < participants.length; n += 1) {
      const s = start[n] ?? 0;
      if ((length[n] ?? 0) < 2) continue;
      const extra = (value[s + 1] ?? 0) - (value[s] ?? 0);
      const share = cost[s + 1] ?? Infinity;
      if (solved.cost + share <= 1 && (extra < bestExtra || (extra === bestExtra && share < bestCost))) {
        bestGroup = n;
        bestExtra = extra;
        bestCost = share;
      }
    }
    if (bestGroup < 0) return infeasible;
    choice[bestGroup] = 0;
  }
  const jobs: UploadJob[] = [];
  let energy = 0;
  for (let n = 0; n < participants.length; n += 1) {
    const participant = participants[n];
    const picked = choice[n];
    const weight = omega[n] ?? 0;
    if (participant === undefined || picked === undefined) {
      energy += weight;
      continue;
    }
    const option = options[n]?.[picked];
    energy += weight * (option?.energyLost ?? 1);
    jobs.push({ tauSec: participant.tauSec, rate: participant.rate, bits: BITS_PER_BYTE * (option?.byteBudget ?? 0) });
  }
  tangent ??= tangentBounds(workspace, solved.lambda, earlierSec);
  return {
    latencySec,
    energy,
    energyLowerBound: Math.min(energy, solved.lowerBound),
    choice,
    fittedLatencySec: Math.min(latencySec, fitRoundLatency(jobs, totalBandwidth, latencySec)),
    tangentBoundLo: tangent.lo,
    tangentBoundHi: tangent.hi,
  };
}

/**
 * The Lagrangian bound at price lambda, sum_g min_j (v_gj + lambda c_gj) - lambda, at the latency priced (`hi`) and
 * `earlierSec` before it with every cost raised to its tangent c_gj + slope_gj earlierSec (`lo`). Any lambda >= 0
 * gives a lower bound of E* (weak duality), and costs only rise below T, so `lo` bounds E* there; each group's
 * minimum of affine functions of the time is concave, so the bound is concave in T between the two.
 */
export interface TangentBounds {
  readonly lo: number;
  readonly hi: number;
}

function tangentBounds(workspace: LatencyWorkspace, lambda: number, earlierSec: number): TangentBounds {
  const { groups, start, length, cost, value, slope } = workspace;
  let lo = -lambda;
  let hi = -lambda;
  for (let g = 0; g < groups; g += 1) {
    const s = start[g] ?? 0;
    let leastLo = Infinity;
    let leastHi = Infinity;
    for (let j = 0; j < (length[g] ?? 0); j += 1) {
      const v = value[s + j] ?? 0;
      const c = cost[s + j] ?? 0;
      leastHi = Math.min(leastHi, v + lambda * c);
      leastLo = Math.min(leastLo, v + lambda * (c + (slope[s + j] ?? 0) * earlierSec));
    }
    lo += leastLo;
    hi += leastHi;
  }
  return { lo, hi };
}
