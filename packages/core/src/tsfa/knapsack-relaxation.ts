// The LP relaxation of the multiple-choice knapsack of TSFA stage 2 (docs/algorithms.md section 5.4), through its
// Lagrangian dual: price a unit of share at lambda and let every group pick, on its own, the option that minimises
// value + lambda * cost. For any lambda >= 0,
//   L(lambda) = sum_g min_j (v_gj + lambda c_gj) - lambda * capacity
// is a lower bound of the integer optimum (weak duality), and its maximum over lambda equals the LP optimum (the
// greedy fill by value per unit of share along each group's lower convex hull). Each group's minimiser is found by
// binary search along its hull, so one lambda costs O(N log m) instead of sorting every step of every group.

/**
 * A multiple-choice knapsack in flat arrays (no objects per option: stage 2 builds one per candidate latency).
 * Group g's options are indices start[g] .. start[g] + length[g] - 1, by non-decreasing cost; cost >= 0 and finite,
 * value >= 0.
 */
export interface ChoiceProblem {
  readonly groups: number;
  readonly start: Int32Array;
  readonly length: Int32Array;
  readonly cost: Float64Array;
  readonly value: Float64Array;
}

export interface Relaxation {
  /** The best Lagrangian bound found (the LP optimum up to bisection precision); a lower bound of the optimum. */
  readonly lowerBound: number;
  /** The multiplier that gave it (0 when everyone's least-value option fits). */
  readonly lambda: number;
  /** An integer answer that fits: each group's choice at the smallest price that fits, then repaired. Relative
   * option indices. */
  readonly incumbent: Int32Array;
  readonly incumbentValue: number;
  readonly incumbentCost: number;
  /** Each group's lower convex hull (relative option indices, cheapest first): hull[hullStart[g] ..
   * hullStart[g + 1]). */
  readonly hull: Int32Array;
  readonly hullStart: Int32Array;
}

const BISECTION_STEPS = 80;
const REPAIR_PASSES = 8;

/** The lower convex hull of every group's (cost, value) points, skipping dominated ones (costlier, no better). */
function buildHulls(problem: ChoiceProblem): { hull: Int32Array; hullStart: Int32Array } {
  const { groups, start, length, cost, value } = problem;
  let total = 0;
  for (let g = 0; g < groups; g += 1) total += length[g] ?? 0;
  const hull = new Int32Array(total);
  const hullStart = new Int32Array(groups + 1);
  let at = 0;
  for (let g = 0; g < groups; g += 1) {
    hullStart[g] = at;
    const s = start[g] ?? 0;
    const first = at;
    for (let j = 0; j < (length[g] ?? 0); j += 1) {
      const cj = cost[s + j] ?? 0;
      const vj = value[s + j] ?? 0;
      if (at > first && vj >= (value[s + (hull[at - 1] ?? 0)] ?? 0)) continue;
      while (at - first >= 2) {
        const a = s + (hull[at - 2] ?? 0);
        const b = s + (hull[at - 1] ?? 0);
        const ca = cost[a] ?? 0;
        const va = value[a] ?? 0;
        // Pop b if it lies on or above the segment from a to j.
        const cross = ((cost[b] ?? 0) - ca) * (vj - va) - ((value[b] ?? 0) - va) * (cj - ca);
        if (cross <= 0) at -= 1;
        else break;
      }
      // Equal cost, lower value: the new point replaces the old one.
      if (at > first && (cost[s + (hull[at - 1] ?? 0)] ?? 0) === cj) at -= 1;
      hull[at] = j;
      at += 1;
    }
  }
  hullStart[groups] = at;
  return { hull, hullStart };
}

/**
 * The hull position minimising value + lambda cost in group g: the last hull point reached by a step whose value
 * per share (gain / cost) is at least lambda. Steps' ratios fall along the hull, so binary search.
 */
function pickAt(problem: ChoiceProblem, hull: Int32Array, from: number, to: number, s: number, lambda: number): number {
  const { cost, value } = problem;
  let lo = from;
  let hi = to - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const a = s + (hull[mid - 1] ?? 0);
    const b = s + (hull[mid] ?? 0);
    const gain = (value[a] ?? 0) - (value[b] ?? 0);
    const extra = (cost[b] ?? 0) - (cost[a] ?? 0);
    if (gain >= lambda * extra) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

interface Priced {
  readonly cost: number;
  readonly value: number;
}

function priceAll(
  problem: ChoiceProblem,
  hull: Int32Array,
  hullStart: Int32Array,
  lambda: number,
  into?: Int32Array,
): Priced {
  let cost = 0;
  let value = 0;
  for (let g = 0; g < problem.groups; g += 1) {
    const s = problem.start[g] ?? 0;
    const at = pickAt(problem, hull, hullStart[g] ?? 0, hullStart[g + 1] ?? 0, s, lambda);
    const j = hull[at] ?? 0;
    cost += problem.cost[s + j] ?? 0;
    value += problem.value[s + j] ?? 0;
    if (into !== undefined) into[g] = j;
  }
  return { cost, value };
}

/** Returns undefined when even every group's cheapest option overflows the capacity. */
export function relax(problem: ChoiceProblem, capacity: number): Relaxation | undefined {
  const { hull, hullStart } = buildHulls(problem);
  const incumbent = new Int32Array(problem.groups);
  const free = priceAll(problem, hull, hullStart, 0, incumbent);
  if (free.cost <= capacity)
    return {
      lowerBound: free.value,
      lambda: 0,
      incumbent,
      incumbentValue: free.value,
      incumbentCost: free.cost,
      hull,
      hullStart,
    };
  // The largest ratio of any step: at that price every group stays at its cheapest hull point.
  let top = 0;
  for (let g = 0; g < problem.groups; g += 1) {
    const s = problem.start[g] ?? 0;
    for (let h = (hullStart[g] ?? 0) + 1; h < (hullStart[g + 1] ?? 0); h += 1) {
      const a = s + (hull[h - 1] ?? 0);
      const b = s + (hull[h] ?? 0);
      top = Math.max(
        top,
        ((problem.value[a] ?? 0) - (problem.value[b] ?? 0)) / ((problem.cost[b] ?? 0) - (problem.cost[a] ?? 0)),
      );
    }
  }
  // At an infinite price every group stays at its cheapest point: if that overflows, nothing fits.
  let hi = Infinity;
  let hiPriced = priceAll(problem, hull, hullStart, Infinity);
  if (hiPriced.cost > capacity) return undefined;
  let best = free.value; // L(0)
  let bestLambda = 0;
  const consider = (lambda: number, priced: Priced): void => {
    const bound = priced.value + lambda * (priced.cost - capacity);
    if (bound > best) {
      best = bound;
      bestLambda = lambda;
    }
  };
  // Bracket the price at which the choices stop fitting: from above the largest ratio (which may overflow with
  // subnormal costs) down by factors of 16, then bisection (geometric while the bracket spans orders of magnitude).
  let lo = Number.isFinite(2 * top) ? 2 * top + Number.MIN_VALUE : Number.MAX_VALUE;
  for (;;) {
    const priced = priceAll(problem, hull, hullStart, lo);
    consider(lo, priced);
    if (priced.cost > capacity) break;
    hi = lo;
    hiPriced = priced;
    lo /= 16;
    if (lo < 1e-300) {
      lo = 0;
      break;
    }
  }
  // To 1e-8 of the price: L is concave and piecewise linear in lambda with slope (cost - capacity), which inside
  // the final bracket is the share of the few groups switching there (< 1). So the bound found is within about
  // 1e-8 lambda* of the LP optimum, far inside any tolerance; 1e-13 took a third more prices for nothing.
  for (let step = 0; step < BISECTION_STEPS && Number.isFinite(hi) && hi - lo > 1e-8 * hi; step += 1) {
    const mid = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    const priced = priceAll(problem, hull, hullStart, mid);
    consider(mid, priced);
    if (priced.cost <= capacity) {
      hi = mid;
      hiPriced = priced;
    } else lo = mid;
  }
  priceAll(problem, hull, hullStart, hi, incumbent);
  const repaired = repair(problem, incumbent, capacity, hiPriced.cost, hiPriced.value);
  return {
    lowerBound: Math.min(best, repaired.value),
    lambda: bestLambda,
    incumbent,
    incumbentValue: repaired.value,
    incumbentCost: repaired.cost,
    hull,
    hullStart,
  };
}

/** Spends the share left on the single best upgrade (any option, hull or not), a few times, while one fits. */
function repair(problem: ChoiceProblem, choice: Int32Array, capacity: number, used: number, total: number): Priced {
  let cost = used;
  let value = total;
  for (let pass = 0; pass < REPAIR_PASSES; pass += 1) {
    let bestGain = 0;
    let bestGroup = -1;
    let bestOption = -1;
    let bestExtra = 0;
    for (let g = 0; g < problem.groups; g += 1) {
      const s = problem.start[g] ?? 0;
      const current = s + (choice[g] ?? 0);
      const c0 = problem.cost[current] ?? 0;
      const v0 = problem.value[current] ?? 0;
      for (let j = (choice[g] ?? 0) + 1; j < (problem.length[g] ?? 0); j += 1) {
        const extra = (problem.cost[s + j] ?? 0) - c0;
        if (cost + extra > capacity) break;
        const gain = v0 - (problem.value[s + j] ?? 0);
        if (gain > bestGain) {
          bestGain = gain;
          bestGroup = g;
          bestOption = j;
          bestExtra = extra;
        }
      }
    }
    if (bestGroup < 0) break;
    choice[bestGroup] = bestOption;
    cost += bestExtra;
    value -= bestGain;
  }
  return { cost, value };
}

/**
 * Lower bounds of the optimum of groups g.. with `room` share, for the exact search of choice-knapsack.ts: the
 * Lagrangian bound at a few fixed prices around lambda*, max over them, from suffix sums (O(1) per price).
 */
export function suffixBounds(problem: ChoiceProblem, relaxation: Relaxation): (from: number, room: number) => number {
  const factors = [0, 0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.33, 2, 4];
  const lambdas = factors.map((f) => f * relaxation.lambda).filter((l, i) => i === 0 || l > 0);
  const groups = problem.groups;
  const sums = lambdas.map((lambda) => {
    const suffix = new Float64Array(groups + 1);
    for (let g = groups - 1; g >= 0; g -= 1) {
      const s = problem.start[g] ?? 0;
      const from = relaxation.hullStart[g] ?? 0;
      const to = relaxation.hullStart[g + 1] ?? 0;
      const j = s + (relaxation.hull[pickAt(problem, relaxation.hull, from, to, s, lambda)] ?? 0);
      suffix[g] = (suffix[g + 1] ?? 0) + (problem.value[j] ?? 0) + lambda * (problem.cost[j] ?? 0);
    }
    return suffix;
  });
  return (from, room) => {
    let bound = -Infinity;
    for (let l = 0; l < lambdas.length; l += 1)
      bound = Math.max(bound, (sums[l]?.[from] ?? 0) - (lambdas[l] ?? 0) * room);
    return bound;
  };
}

/** Packs groups of {cost, value} (each by non-decreasing cost) into a ChoiceProblem: for tests and small callers. */
export function packChoiceProblem(groups: readonly (readonly { cost: number; value: number }[])[]): ChoiceProblem {
  const start = new Int32Array(groups.length + 1);
  groups.forEach((group, g) => (start[g + 1] = (start[g] ?? 0) + group.length));
  const cost = new Float64Array(start[groups.length] ?? 0);
  const value = new Float64Array(cost.length);
  groups.forEach((group, g) => {
    group.forEach((item, j) => {
      cost[(start[g] ?? 0) + j] = item.cost;
      value[(start[g] ?? 0) + j] = item.value;
    });
  });
  return { groups: groups.length, start, length: Int32Array.from(groups, (group) => group.length), cost, value };
}
