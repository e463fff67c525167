// Multiple-choice knapsack for TSFA stage 2 (docs/algorithms.md section 5.4): at a fixed round latency every client
// picks one budget option, each option costs a bandwidth share and loses some weighted energy; shares must fit in 1.

import { relax, type ChoiceItem } from "./knapsack-relaxation";

export type { ChoiceItem } from "./knapsack-relaxation";

export interface KnapsackSolution {
  /** Index of the chosen option per group. */
  readonly choice: number[];
  readonly cost: number;
  readonly value: number;
}

interface Point {
  readonly cost: number;
  readonly value: number;
  readonly parent: number;
  readonly option: number;
}

/**
 * Exact dynamic programming over Pareto frontiers (Nemhauser-Ullmann), with bounds. After each group only the
 * partial choices that no other beats in both cost and value are kept; costs stay real numbers, so there is no grid
 * and no rounding. Two bounds keep the frontiers small: a partial choice is dropped when the cheapest options of
 * the groups still to come would overflow the capacity, or when even the LP relaxation of those groups (with the
 * share left) cannot bring it below the incumbent, an integer answer from the LP greedy with repair. Without the
 * LP bound the frontiers grow exponentially with the number of clients.
 * The work is bounded: a frontier may hold at most workLimit / (groups x options per group) points, beyond which it
 * is thinned to evenly spaced points; the answer stays feasible and no worse than the incumbent but may then miss
 * the optimum (by 0.01-0.03% of the objective at 50 clients x 65 options in our benchmarks). Small problems (the
 * brute-force tests: 4 clients, a handful of options) never come near the limit and are solved exactly.
 * Ties in value go to the cheaper choice. Returns undefined when nothing fits.
 */
export function solveChoiceKnapsack(
  groups: readonly (readonly ChoiceItem[])[],
  capacity = 1,
  workLimit = 100_000,
): KnapsackSolution | undefined {
  if (groups.some((group) => group.length === 0)) return undefined;
  const optionCount = groups.reduce((s, group) => s + group.length, 0);
  const maxPoints = Math.max(16, Math.floor(workLimit / Math.max(1, optionCount)));
  const relaxation = relax(groups, capacity);
  const cheapestAfter: number[] = new Array<number>(groups.length + 1).fill(0);
  for (let g = groups.length - 1; g >= 0; g -= 1)
    cheapestAfter[g] = (cheapestAfter[g + 1] ?? 0) + (groups[g]?.[relaxation.base[g] ?? 0]?.cost ?? Infinity);
  if (!((cheapestAfter[0] ?? Infinity) <= capacity)) return undefined;
  const incumbent = evaluate(groups, relaxation.incumbent);
  const target = incumbent.value - 1e-12 * Math.max(1, incumbent.value);

  // Each group's options by increasing cost, so that the scan of a group can stop at the first that overflows.
  const byCost = groups.map((group) => group.map((_, j) => j).sort((a, b) => costOf(group, a) - costOf(group, b)));
  const stages: Point[][] = [];
  let frontier: Point[] = [{ cost: 0, value: 0, parent: -1, option: -1 }];
  for (let g = 0; g < groups.length; g += 1) {
    const group = groups[g] ?? [];
    const order = byCost[g] ?? [];
    const after = cheapestAfter[g + 1] ?? 0;
    const unbounded = relaxation.lowerBound(g + 1, Infinity);
    const candidates: Point[] = [];
    for (let parent = 0; parent < frontier.length; parent += 1) {
      const point = frontier[parent];
      if (point === undefined) continue;
      for (const option of order) {
        const cost = point.cost + costOf(group, option);
        const room = capacity - cost - after;
        if (room < 0) break;
        const value = point.value + valueOf(group, option);
        // The bound with unlimited share is free; the LP bound at this share costs a binary search.
        if (value + unbounded >= target || value + relaxation.lowerBound(g + 1, room) >= target) continue;
        candidates.push({ cost, value, parent, option });
      }
    }
    frontier = thin(pareto(candidates), maxPoints);
    if (frontier.length === 0) return incumbent;
    stages.push(frontier);
  }
  const found = backtrack(stages);
  return found !== undefined && found.value < incumbent.value ? found : incumbent;
}

function evaluate(groups: readonly (readonly ChoiceItem[])[], choice: readonly number[]): KnapsackSolution {
  let cost = 0;
  let value = 0;
  groups.forEach((group, g) => {
    cost += group[choice[g] ?? 0]?.cost ?? Infinity;
    value += group[choice[g] ?? 0]?.value ?? Infinity;
  });
  return { choice: [...choice], cost, value };
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
  if (points.length <= maxPoints) return points;
  const picked: Point[] = [];
  for (let j = 0; j < maxPoints; j += 1) {
    const point = points[Math.round((j * (points.length - 1)) / (maxPoints - 1))];
    if (point !== undefined) picked.push(point);
  }
  return picked;
}

function backtrack(stages: readonly Point[][]): KnapsackSolution | undefined {
  // The lowest value sits last on a Pareto frontier.
  const best = stages.at(-1)?.at(-1);
  if (best === undefined) return undefined;
  const choice: number[] = new Array<number>(stages.length).fill(0);
  let point: Point | undefined = best;
  for (let g = stages.length - 1; g >= 0 && point !== undefined; g -= 1) {
    choice[g] = point.option;
    point = stages[g - 1]?.[point.parent];
  }
  return { choice, cost: best.cost, value: best.value };
}

const costOf = (group: readonly ChoiceItem[], j: number): number => group[j]?.cost ?? Infinity;
const valueOf = (group: readonly ChoiceItem[], j: number): number => group[j]?.value ?? Infinity;
