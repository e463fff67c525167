// TSFA stage 2 (docs/algorithms.md section 5.2): per round, bandwidth shares and byte budgets by drift-plus-penalty,
//   minimise V sum_n omega_n E_n(S_n) + Q T
//   over sum beta_n <= 1, beta_n >= 0, T >= tau_n + 8 S_n / R_n(beta_n), S_n >= S_min.
// Read latency-search.ts (which T) and evaluate-latency.ts (the allocation at one T) for the method.

import { fail, ok, type Result } from "../result";
import { createWorkspace, evaluateLatency, type LatencyEvaluation } from "./evaluate-latency";
import { fitRoundLatency } from "./fit-latency";
import { cellBound, searchLatency } from "./latency-search";
import { rateBps, requiredShare, usefulShareCap } from "./rate-model";
import { spreadLeftover } from "./spread-leftover";
import type { ClientSchedule, Stage2Input, Stage2Options, Stage2Schedule } from "./stage2-types";
import { prepareStage2, type PreparedStage2 } from "./stage2-validate";

const BITS_PER_BYTE = 8;
const MIN_GRID_POINTS = 32;
/** The search stops when no latency can beat the best objective by more than this fraction (0.1%). */
const DEFAULT_RELATIVE_TOLERANCE = 1e-3;

export function solveStage2(input: Stage2Input, options: Stage2Options = {}): Result<Stage2Schedule> {
  const prepared = prepareStage2(input);
  if (!prepared.ok) return prepared;
  const { participants, totalBandwidth } = input;
  const optionsOf = (n: number): readonly { byteBudget: number }[] => prepared.value.options[n] ?? [];
  // T_min: any feasible round includes someone, who needs at least its smallest budget at the whole uplink.
  const minSec = Math.min(
    ...participants.map(
      (p, n) => p.tauSec + (BITS_PER_BYTE * (optionsOf(n)[0]?.byteBudget ?? 0)) / rateBps(p.rate, 1, totalBandwidth),
    ),
  );
  // T_max: everyone sends everything. No longer round can lose less energy, so none can be better. The knapsack at
  // T_max adds the very shares the fit added, in the same (participant) order, so that point is feasible without
  // slack (the Q = 0 test in stage2.test.ts holds this).
  const maxSec = fitRoundLatency(
    participants.map((p, n) => ({
      tauSec: p.tauSec,
      rate: p.rate,
      bits: BITS_PER_BYTE * (optionsOf(n).at(-1)?.byteBudget ?? 0),
    })),
    totalBandwidth,
  );
  // Only the ratio of V to Q matters for the argmin; scaling both so the larger term is about 1 keeps the search's
  // bounds and tolerances meaningful for any magnitudes (a Q of 1e-300 would otherwise underflow to subnormals).
  const scale = Math.max(input.penaltyWeight, input.virtualQueue * maxSec) || 1;
  const v = input.penaltyWeight / scale;
  const q = input.virtualQueue / scale;
  const relativeTolerance = options.relativeTolerance ?? DEFAULT_RELATIVE_TOLERANCE;
  const workspace = createWorkspace(prepared.value);
  // Each knapsack only has to be as exact as the search: half the tolerance, relative to the objective
  // V E + Q T, expressed in weighted energy. With V = 0 energy does not count, any feasible answer will do, and
  // so will the LP's rounded answer once the LP and tangent bounds show that the cell (cellLo, t] cannot reach the
  // search's target.
  const evaluate = (t: number, cellLo: number, target: number): LatencyEvaluation =>
    evaluateLatency(
      prepared.value,
      workspace,
      t,
      (lowerBound, tangent) =>
        v > 0 && cellBound(v, q, cellLo, t, lowerBound, tangent.lo, tangent.hi) < target
          ? (relativeTolerance / 2) * (Math.max(0, lowerBound) + (q * t) / v)
          : Infinity,
      cellLo,
    );
  const found = searchLatency(evaluate, {
    minSec,
    maxSec: Math.max(minSec, maxSec),
    penaltyWeight: v,
    virtualQueue: q,
    gridPoints: Math.max(MIN_GRID_POINTS, options.gridPoints ?? MIN_GRID_POINTS),
    relativeTolerance,
    maxEvaluations: options.maxEvaluations ?? 2000,
  });
  if (found === undefined)
    return fail({ code: "stage2-infeasible", reason: "no round latency fits the minimum budgets" });
  return ok(buildSchedule(prepared.value, found.best, found.evaluations));
}

/** Shares at the shortened latency, leftover spread, and the per-client figures the coordinator sends and logs. */
function buildSchedule(prepared: PreparedStage2, chosen: LatencyEvaluation, evaluations: number): Stage2Schedule {
  const { input, omega, options } = prepared;
  const { participants, totalBandwidth } = input;
  const t = chosen.fittedLatencySec;
  const budgetOf = (n: number): number | undefined => {
    const pick = chosen.choice[n];
    return pick === undefined ? undefined : options[n]?.[pick]?.byteBudget;
  };
  const needed = participants.map((p, n) => {
    const budget = budgetOf(n);
    return budget === undefined ? 0 : requiredShare(p.rate, totalBandwidth, BITS_PER_BYTE * budget, t - p.tauSec);
  });
  const spread = spreadLeftover(
    needed,
    participants.map((p) => usefulShareCap(p.rate, totalBandwidth)),
    participants.map((_, n) => budgetOf(n) !== undefined),
  );
  // Shares are added in another order than the knapsack's: a sum an ulp above 1 is scaled back inside the uplink.
  const sum = spread.reduce((s, x) => s + x, 0);
  const shares = sum > 1 ? spread.map((x) => (x / sum) * (1 - 1e-15)) : spread;
  const clients: ClientSchedule[] = participants.map((p, n) => {
    const budget = budgetOf(n);
    const pick = chosen.choice[n];
    if (budget === undefined || pick === undefined)
      return {
        clientId: p.clientId,
        bandwidthShare: 0,
        byteBudget: 0,
        expectedLatencySec: p.tauSec,
        expectedEnergyLost: 1,
        excluded: true,
      };
    const share = shares[n] ?? 0;
    const uploadSec = budget === 0 ? 0 : (BITS_PER_BYTE * budget) / rateBps(p.rate, share, totalBandwidth);
    return {
      clientId: p.clientId,
      bandwidthShare: share,
      byteBudget: budget,
      expectedLatencySec: p.tauSec + uploadSec,
      expectedEnergyLost: options[n]?.[pick]?.energyLost ?? 1,
      excluded: false,
    };
  });
  const roundLatencySec = Math.max(...clients.filter((c) => !c.excluded).map((c) => c.expectedLatencySec));
  const weightedEnergyLost = clients.reduce((s, c, n) => s + (omega[n] ?? 0) * c.expectedEnergyLost, 0);
  return {
    clients,
    roundLatencySec,
    weightedEnergyLost,
    objective: input.penaltyWeight * weightedEnergyLost + input.virtualQueue * roundLatencySec,
    evaluations,
  };
}
