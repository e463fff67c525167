// Multiple-choice knapsack for TSFA stage 2 (docs/algorithms.md section 5.4): at a fixed round latency every client
// picks one option (a budget, or sitting out), each option costs a bandwidth share and loses some weighted energy;
// shares must fit in the capacity.

import { relax, suffixBounds, type ChoiceProblem } from "./knapsack-relaxation";

export type { ChoiceProblem } from "./knapsack-relaxation";

export interface KnapsackSolution {
  /** Index of the chosen option per group, relative to the group's first option. */
  readonly choice: Int32Array;
  readonly cost: number;
  readonly value: number;
  /** A proven lower bound of the optimum; value - lowerBound <= the tolerance asked for unless `thinned`. */
  readonly lowerBound: number;
  /** The exact search hit its work limit and thinned its frontiers: lowerBound is then the LP bound only. */
  readonly thinned: boolean;
  /** The price of a unit of capacity at which the Lagrangian bound was best (0 if everything fits for free). */
  readonly lambda: number;
}

interface Point {
  readonly cost: number;
  readonly value: number;
  readonly parent: number;
  readonly option: number;
}

/**
 * Least total value within `tolerance` of the optimum (a number, or a function of the LP lower bound and its price
 * lambda, for a tolerance relative to the objective). First the LP relaxation (knapsack-relaxation.ts): its
 * rounded answer is returned as it is when the LP bound proves it within the tolerance, which is the usual case
 * with many clients (the LP gap is at most one client's step). Otherwise an exact dynamic program over Pareto
 * frontiers (Nemhauser-Ullmann) with real-valued costs, pruned twice: a partial choice is dropped when the cheapest
 * options still to come would overflow, or when its value plus a Lagrangian bound of the groups still to come
 * cannot beat the incumbent by more than the tolerance. A frontier may hold at most workLimit / (options) points;
 * past that it is thinned to evenly spaced points (the answer stays feasible and no worse than the LP's rounding,
 * `thinned` says so). Ties in value go to the cheaper choice. Returns undefined when nothing fits.
 */
export function solveChoiceKnapsack(
  problem: ChoiceProblem,
  capacity = 1,
  tolerance: number | ((lowerBound: number, lambda: number) => number) = 0,
  workLimit = 30_000,
): KnapsackSolution | undefined {
  const { groups, start, length, cost, value } = problem;
  for (let g = 0; g < groups; g += 1) if ((length[g] ?? 0) === 0) return undefined;
  const relaxation = relax(problem, capacity);
  if (relaxation === undefined) return undefined;
  const incumbent: KnapsackSolution = {
    choice: relaxation.incumbent,
    cost: relaxation.incumbentCost,
    value: relaxation.incumbentValue,
    lowerBound: relaxation.lowerBound,
    thinned: false,
    lambda: relaxation.lambda,
  };
  const slack = typeof tolerance === "number" ? tolerance : tolerance(relaxation.lowerBound, relaxation.lambda);
  if (incumbent.value - relaxation.lowerBound <= slack) return incumbent;

  // Reduced-cost fixing: for any choice x that fits, value(x) >= L(lambda) + sum_g rc_g(x_g), where rc is an
  // option's excess of v + lambda c over its group's least. An option whose rc alone exceeds what the incumbent
  // leaves to gain cannot be part of a better answer, so the exact search only sees the few options near the LP's
  // threshold, usually in a few groups.
  const limit = incumbent.value - slack - relaxation.lowerBound + 1e-12 * Math.max(1, incumbent.value);
  const lambda = relaxation.lambda;
  const keptStart = new Int32Array(groups + 1);
  const keptIndex: number[] = [];
  const fixed = new Int32Array(groups).fill(-1);
  const open: number[] = [];
  let fixedCost = 0;
  let fixedValue = 0;
  for (let g = 0; g < groups; g += 1) {
    const s = start[g] ?? 0;
    const n = length[g] ?? 0;
    let least = Infinity;
    for (let j = 0; j < n; j += 1) least = Math.min(least, (value[s + j] ?? 0) + lambda * (cost[s + j] ?? 0));
    const first = keptIndex.length;
    for (let j = 0; j < n; j += 1)
      if ((value[s + j] ?? 0) + lambda * (cost[s + j] ?? 0) - least <= limit) keptIndex.push(j);
    if (keptIndex.length - first === 1) {
      const j = keptIndex.pop() ?? 0;
      fixed[g] = j;
      fixedCost += cost[s + j] ?? 0;
      fixedValue += value[s + j] ?? 0;
    } else open.push(g);
    keptStart[g + 1] = keptIndex.length;
  }
  const reduced: ChoiceProblem = {
    groups: open.length,
    start: Int32Array.from(open, (g) => keptStart[g] ?? 0),
    length: Int32Array.from(open, (g) => (keptStart[g + 1] ?? 0) - (keptStart[g] ?? 0)),
    cost: Float64Array.from(keptIndex, (j, at) => cost[(start[groupOf(keptStart, at)] ?? 0) + j] ?? 0),
    value: Float64Array.from(keptIndex, (j, at) => value[(start[groupOf(keptStart, at)] ?? 0) + j] ?? 0),
  };
  const searched = exactSearch(reduced, capacity - fixedCost, incumbent.value - fixedValue, slack, workLimit);
  const thinned = searched?.thinned ?? false;
  // Without thinning, whatever was pruned could not beat the incumbent by more than the tolerance.
  const bestValue = Math.min(incumbent.value, fixedValue + (searched?.value ?? Infinity));
  const lowerBound = Math.min(
    bestValue,
    thinned ? relaxation.lowerBound : Math.max(relaxation.lowerBound, bestValue - slack),
  );
  if (searched === undefined || fixedValue + searched.value >= incumbent.value)
    return { ...incumbent, lowerBound, thinned };
  const choice = new Int32Array(groups);
  for (let g = 0; g < groups; g += 1) choice[g] = fixed[g] ?? 0;
  open.forEach((g, o) => (choice[g] = keptIndex[(keptStart[g] ?? 0) + (searched.choice[o] ?? 0)] ?? 0));
  return {
    choice,
    cost: fixedCost + searched.cost,
    value: fixedValue + searched.value,
    lowerBound,
    thinned,
    lambda,
  };
}

/** The group whose kept options include position `at` (keptStart is non-decreasing). */
function groupOf(keptStart: Int32Array, at: number): number {
  let lo = 0;
  let hi = keptStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((keptStart[mid] ?? 0) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The exact dynamic program over Pareto frontiers of the reduced problem: the best answer with value below
 * `incumbentValue - slack`, or undefined if there is none (or nothing fits).
 */
function exactSearch(
  problem: ChoiceProblem,
  capacity: number,
  incumbentValue: number,
  slack: number,
  workLimit: number,
): { choice: Int32Array; cost: number; value: number; thinned: boolean } | undefined {
  const { groups, start, length, cost, value } = problem;
  if (groups === 0) return capacity >= 0 ? { choice: new Int32Array(0), cost: 0, value: 0, thinned: false } : undefined;
  const relaxation = relax(problem, capacity);
  if (relaxation === undefined) return undefined;
  let optionCount = 0;
  for (let g = 0; g < groups; g += 1) optionCount += length[g] ?? 0;
  const maxPoints = Math.max(16, Math.floor(workLimit / Math.max(1, optionCount)));
  const bound = suffixBounds(problem, relaxation);
  // Options are sorted by cost, so each group's cheapest is its first.
  const cheapestAfter = new Float64Array(groups + 1);
  for (let g = groups - 1; g >= 0; g -= 1) cheapestAfter[g] = (cheapestAfter[g + 1] ?? 0) + (cost[start[g] ?? 0] ?? 0);
  const target = incumbentValue - slack - 1e-12 * Math.max(1, Math.abs(incumbentValue));

  const stages: Point[][] = [];
  let frontier: Point[] = [{ cost: 0, value: 0, parent: -1, option: -1 }];
  let thinned = false;
  for (let g = 0; g < groups; g += 1) {
    const s = start[g] ?? 0;
    const after = cheapestAfter[g + 1] ?? 0;
    const candidates: Point[] = [];
    for (let parent = 0; parent < frontier.length; parent += 1) {
      const point = frontier[parent];
      if (point === undefined) continue;
      for (let j = 0; j < (length[g] ?? 0); j += 1) {
        const c = point.cost + (cost[s + j] ?? 0);
        if (c + after > capacity) break;
        const v = point.value + (value[s + j] ?? 0);
        if (v + bound(g + 1, capacity - c) >= target) continue;
        candidates.push({ cost: c, value: v, parent, option: j });
      }
    }
    const kept = pareto(candidates);
    frontier = kept.length > maxPoints ? thin(kept, maxPoints) : kept;
    thinned ||= kept.length > maxPoints;
    if (frontier.length === 0) return thinned ? { ...relaxedAnswer(relaxation), thinned } : undefined;
    stages.push(frontier);
  }
  const found = backtrack(stages);
  return found === undefined ? undefined : { ...found, thinned };
}

function relaxedAnswer(relaxation: ReturnType<typeof relax> & object): {
  choice: Int32Array;
  cost: number;
  value: number;
} {
  return { choice: relaxation.incumbent, cost: relaxation.incumbentCost, value: relaxation.incumbentValue };
}

/** Points sorted by cost, each strictly better in value than every cheaper one. */
function pareto(points: Point[]): Point[] {
  points.sort((a, b) => a.cost - b.cost || a.value - b.value);
  const kept: Point[] = [];
  for (const point of points) {
    const last = kept.at(-1);
    if (last === undefined || point.value < last.value) kept.push(point);
  }
  return kept;
}

function thin(points: Point[], maxPoints: number): Point[] {
  const picked: Point[] = [];
  for (let j = 0; j < maxPoints; j += 1) {
    const point = points[Math.round((j * (points.length - 1)) / (maxPoints - 1))];
    if (point !== undefined) picked.push(point);
  }
  return picked;
}

function backtrack(stages: readonly Point[][]): { choice: Int32Array; cost: number; value: number } | undefined {
  // The lowest value sits last on a Pareto frontier.
  const best = stages.at(-1)?.at(-1);
  if (best === undefined) return undefined;
  const choice = new Int32Array(stages.length);
  let point: Point | undefined = best;
  for (let g = stages.length - 1; g >= 0 && point !== undefined; g -= 1) {
    choice[g] = point.option;
    point = stages[g - 1]?.[point.parent];
  }
  return { choice, cost: best.cost, value: best.value };
}
