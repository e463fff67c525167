// Multiple-choice knapsack for TSFA stage 2 (DESIGN.md 4.5): at a fixed round latency every client picks one budget
// option, each option costs a bandwidth share and loses some weighted energy; the shares must fit in 1.

export interface ChoiceItem {
  /** Bandwidth share this option needs (finite, >= 0). */
  readonly cost: number;
  /** Weighted energy it loses (>= 0). */
  readonly value: number;
}

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
 * Exact by dynamic programming over Pareto frontiers (Nemhauser-Ullmann): after each group, keep only the partial
 * choices that no other beats in both cost and value. Costs are real numbers, so there is no grid to round to and
 * no rounding error. A point is dropped early when even the cheapest options of the groups still to come would
 * overflow the capacity. If a frontier ever exceeds `maxPoints` (only with many clients and many options), it is
 * thinned to evenly spaced points; the answer stays feasible but may then miss the optimum slightly.
 * Among choices of equal value the cheaper one wins. Returns undefined when nothing fits.
 */
export function solveChoiceKnapsack(
  groups: readonly (readonly ChoiceItem[])[],
  capacity = 1,
  maxPoints = 4096,
): KnapsackSolution | undefined {
  const cheapestAfter: number[] = new Array<number>(groups.length + 1).fill(0);
  for (let g = groups.length - 1; g >= 0; g -= 1) {
    const cheapest = Math.min(...(groups[g] ?? []).map((item) => item.cost));
    cheapestAfter[g] = (cheapestAfter[g + 1] ?? 0) + cheapest;
  }
  if (!((cheapestAfter[0] ?? Infinity) <= capacity)) return undefined;
  const stages: Point[][] = [];
  let frontier: Point[] = [{ cost: 0, value: 0, parent: -1, option: -1 }];
  for (const [g, group] of groups.entries()) {
    const room = capacity - (cheapestAfter[g + 1] ?? 0);
    const candidates: Point[] = [];
    for (const [parent, point] of frontier.entries()) {
      for (const [option, item] of group.entries()) {
        const cost = point.cost + item.cost;
        if (cost <= room) candidates.push({ cost, value: point.value + item.value, parent, option });
      }
    }
    frontier = thin(pareto(candidates), maxPoints);
    if (frontier.length === 0) return undefined;
    stages.push(frontier);
  }
  return backtrack(stages);
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
  const final = stages.at(-1);
  // The lowest value sits last on a Pareto frontier; with no groups the empty choice is the answer.
  if (final === undefined) return { choice: [], cost: 0, value: 0 };
  const best = final.at(-1);
  if (best === undefined) return undefined;
  const choice: number[] = new Array<number>(stages.length).fill(0);
  let point: Point | undefined = best;
  for (let g = stages.length - 1; g >= 0 && point !== undefined; g -= 1) {
    choice[g] = point.option;
    point = stages[g - 1]?.[point.parent];
  }
  return { choice, cost: best.cost, value: best.value };
}
