// The outer search of TSFA stage 2 (docs/algorithms.md section 5.4): which round latency T to aim for.
//
// The objective f(T) = V E*(T) + Q T, with E*(T) the least weighted energy lost at T, is not unimodal: E* falls in
// steps as T grows (more time buys bigger budgets). Since any client may sit out (evaluate-latency.ts), whatever
// fits at T also fits at every longer T, so E* never rises with T, and on a cell (a, b]
//   f(T) >= V E*(b) + Q a >= V LB(b) + Q a,
// a valid lower bound (LB: the knapsack's proven lower bound of E*). That bound gives away Q (b - a), so near a flat
// optimum every cell had to shrink to about tolerance / Q before it closed (some 110 splits at N = 100). The
// knapsack at b also gives a tangent bound: its Lagrangian with every share replaced by the tangent at b, which
// is below the share at any T < b (shares are convex and decreasing in T), and concave in T; so
//   f(T) >= min(V tb(a) + Q a, V tb(b) + Q b)
// on the cell too, a first-order model that closes cells near the optimum about 3 times sooner. So instead of golden
// section: an even grid (>= 32 points), then branch and bound. The cell with the lowest bound is split at its middle
// until no cell's bound can beat the best objective found by more than the tolerance. Each evaluation also shortens
// its own answer to the least T at which its budgets fit (the leftover share spent on a shorter round), and every T
// in [that T, m] is then dominated.

import type { LatencyEvaluation } from "./evaluate-latency";

export interface LatencySearchSettings {
  readonly minSec: number;
  readonly maxSec: number;
  readonly penaltyWeight: number;
  readonly virtualQueue: number;
  readonly gridPoints: number;
  readonly relativeTolerance: number;
  readonly maxEvaluations: number;
}

export interface LatencySearchResult {
  readonly best: LatencyEvaluation;
  readonly objective: number;
  readonly evaluations: number;
}

interface Cell {
  readonly lo: number;
  readonly hi: number;
  /** A lower bound of E* over the cell. */
  readonly energyLb: number;
  /** A concave lower bound of E* over the cell, by its values at lo and hi (evaluate-latency.ts, tangentBounds). */
  readonly tangentLo: number;
  readonly tangentHi: number;
}

/** The cell (lo, hi] of an evaluation at `at` >= hi whose tangent bound was taken from `lo`. */
function cellOf(lo: number, hi: number, at: LatencyEvaluation): Cell {
  const { tangentBoundLo: tLo, tangentBoundHi: tHi, latencySec } = at;
  // Concave between lo and at, so at hi it is at least the chord's value.
  const tangentHi = latencySec > lo ? tLo + ((tHi - tLo) * (hi - lo)) / (latencySec - lo) : tHi;
  return { lo, hi, energyLb: at.energyLowerBound, tangentLo: tLo, tangentHi };
}

export function searchLatency(
  evaluate: (latencySec: number, cellLoSec: number, target: number) => LatencyEvaluation,
  settings: LatencySearchSettings,
): LatencySearchResult | undefined {
  const { penaltyWeight: v, virtualQueue: q } = settings;
  let best: { evaluation: LatencyEvaluation; objective: number } | undefined;
  let evaluations = 0;
  const target = (): number =>
    best === undefined ? -Infinity : best.objective - settings.relativeTolerance * Math.abs(best.objective);
  // `cellLo` is the left end of the cell being split: once the knapsack at T proves that the cell (cellLo, T]
  // cannot reach target() (cellBound), its rounded LP answer will do.
  const run = (latencySec: number, cellLo: number): LatencyEvaluation => {
    evaluations += 1;
    const evaluation = evaluate(latencySec, cellLo, target());
    if (Number.isFinite(evaluation.energy)) {
      const objective = v * evaluation.energy + q * evaluation.fittedLatencySec;
      const slack = 1e-12 * Math.max(1, Math.abs(objective));
      // Ties go to the shorter round.
      if (
        best === undefined ||
        objective < best.objective - slack ||
        (objective <= best.objective + slack && evaluation.fittedLatencySec < best.evaluation.fittedLatencySec)
      )
        best = { evaluation, objective };
    }
    return evaluation;
  };

  const points = initialPoints(settings);
  // The longest round first: everything fits there, and its objective lets most other knapsacks stop early.
  const last = points.length - 1;
  const results: LatencyEvaluation[] = [];
  results[last] = run(points[last] ?? settings.maxSec, points[last - 1] ?? settings.minSec);
  for (let i = 0; i < last; i += 1) results[i] = run(points[i] ?? settings.minSec, points[i - 1] ?? settings.minSec);
  const cells: Cell[] = [];
  for (let i = 1; i <= last; i += 1) {
    const evaluation = results[i];
    const previous = points[i - 1] ?? settings.minSec;
    if (evaluation !== undefined && Number.isFinite(evaluation.energy)) {
      const hi = Math.min(points[i] ?? settings.maxSec, evaluation.fittedLatencySec);
      if (hi > previous) cells.push(cellOf(previous, hi, evaluation));
    }
  }

  const lowerBound = (cell: Cell): number =>
    cellBound(v, q, cell.lo, cell.hi, cell.energyLb, cell.tangentLo, cell.tangentHi);
  while (cells.length > 0 && evaluations < settings.maxEvaluations) {
    let pick = 0;
    cells.forEach((cell, i) => {
      if (lowerBound(cell) < lowerBound(cells[pick] ?? cell)) pick = i;
    });
    const [cell] = cells.splice(pick, 1);
    if (cell === undefined) break;
    if (lowerBound(cell) >= target()) break;
    if (cell.hi - cell.lo <= 1e-12 * cell.hi) continue;
    const mid = (cell.lo + cell.hi) / 2;
    const evaluation = run(mid, cell.lo);
    // Below mid E* is at least E*(mid); above the fitted latency the new answer dominates. If nothing fits at mid,
    // nothing fits below it in this cell either.
    if (Number.isFinite(evaluation.energy) && evaluation.fittedLatencySec > cell.lo)
      cells.push(cellOf(cell.lo, Math.min(mid, evaluation.fittedLatencySec), evaluation));
    // The parent's tangent bound stays concave on the right half: its value at mid is at least the chord's.
    const chordAtMid = cell.tangentLo + ((cell.tangentHi - cell.tangentLo) * (mid - cell.lo)) / (cell.hi - cell.lo);
    cells.push({ lo: mid, hi: cell.hi, energyLb: cell.energyLb, tangentLo: chordAtMid, tangentHi: cell.tangentHi });
  }
  return best === undefined ? undefined : { best: best.evaluation, objective: best.objective, evaluations };
}

/**
 * A lower bound of V E*(T) + Q T over the cell (lo, hi]: E* >= energyLb on the whole cell (E* never rises with T),
 * and E* >= the concave tangent bound with ends tangentLo, tangentHi, whose V tb + Q T is least at an end.
 */
export function cellBound(
  v: number,
  q: number,
  lo: number,
  hi: number,
  energyLb: number,
  tangentLo: number,
  tangentHi: number,
): number {
  return Math.max(v * energyLb + q * lo, Math.min(v * tangentLo + q * lo, v * tangentHi + q * hi));
}

function initialPoints(settings: LatencySearchSettings): number[] {
  const { minSec, maxSec, gridPoints } = settings;
  // The last point is exactly maxSec (where everything is known to fit), not a rounded neighbour of it.
  const points = Array.from({ length: gridPoints }, (_, i) =>
    i === gridPoints - 1 ? maxSec : minSec + ((maxSec - minSec) * i) / (gridPoints - 1),
  );
  return [...new Set(points)].sort((a, b) => a - b);
}
