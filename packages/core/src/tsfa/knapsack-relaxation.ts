// The LP relaxation of the multiple-choice knapsack (docs/algorithms.md section 5.4: the greedy fill of the
// unit bandwidth by marginal energy per unit of share, optimal for the continuous relaxation). It gives the exact
// solver of choice-knapsack.ts both a good first answer and the lower bounds that let it discard most partial choices.

export interface ChoiceItem {
  /** Bandwidth share this option needs (finite, >= 0). */
  readonly cost: number;
  /** Weighted energy it loses (>= 0). */
  readonly value: number;
}

/** One step along a group's lower convex hull: from option `from` to the costlier, better option `to`. */
interface Step {
  readonly group: number;
  readonly to: number;
  readonly cost: number;
  readonly gain: number;
}

export interface Relaxation {
  /** Per group, the cheapest option (ties: lowest value). */
  readonly base: readonly number[];
  /** lowerBound(g, room): least value groups g.. can reach with `room` share beyond their cheapest options. */
  lowerBound(from: number, room: number): number;
  /** An integer answer: the LP greedy without its fractional step, then improved with what share is left. */
  readonly incumbent: readonly number[];
}

export function relax(groups: readonly (readonly ChoiceItem[])[], capacity: number): Relaxation {
  const base = groups.map(cheapest);
  const steps = groups
    .flatMap((group, g) => hullSteps(group, g))
    // Best energy per share first; within a group the hull's steps are already in this order (convexity).
    .sort((a, b) => b.gain / b.cost - a.gain / a.cost);
  // Suffix tables: groups g.. in the global order, as cumulative cost and gain, plus their base value.
  const suffix = groups.map((_, g) => {
    const own = steps.filter((s) => s.group >= g);
    const cumCost = [0];
    const cumGain = [0];
    for (const s of own) {
      cumCost.push((cumCost.at(-1) ?? 0) + s.cost);
      cumGain.push((cumGain.at(-1) ?? 0) + s.gain);
    }
    let baseValue = 0;
    for (let h = g; h < groups.length; h += 1) baseValue += groups[h]?.[base[h] ?? 0]?.value ?? 0;
    return { cumCost, cumGain, baseValue };
  });
  const lowerBound = (from: number, room: number): number => {
    const table = suffix[from];
    if (table === undefined) return 0;
    const { cumCost, cumGain, baseValue } = table;
    // Largest k with cumCost[k] <= room, then the fractional part of the next step.
    let lo = 0;
    let hi = cumCost.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((cumCost[mid] ?? Infinity) <= room) lo = mid;
      else hi = mid - 1;
    }
    const nextCost = (cumCost[lo + 1] ?? Infinity) - (cumCost[lo] ?? 0);
    const nextGain = (cumGain[lo + 1] ?? 0) - (cumGain[lo] ?? 0);
    const fraction = nextCost === Infinity ? 0 : Math.max(0, room - (cumCost[lo] ?? 0)) / nextCost;
    return baseValue - (cumGain[lo] ?? 0) - fraction * nextGain;
  };
  return { base, lowerBound, incumbent: greedyWithRepair(groups, capacity, base, steps) };
}

function cheapest(group: readonly ChoiceItem[]): number {
  let best = 0;
  group.forEach((item, j) => {
    const current = group[best];
    if (
      current !== undefined &&
      (item.cost < current.cost || (item.cost === current.cost && item.value < current.value))
    )
      best = j;
  });
  return best;
}

/** Steps along the lower convex hull of the group's (cost, value) points, cheapest first. */
function hullSteps(group: readonly ChoiceItem[], g: number): Step[] {
  const order = group
    .map((_, j) => j)
    .sort((a, b) => cost(group, a) - cost(group, b) || value(group, a) - value(group, b));
  const hull: number[] = [];
  for (const j of order) {
    const last = hull.at(-1);
    if (last !== undefined && value(group, j) >= value(group, last)) continue; // dominated: costs more, loses more
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] ?? 0;
      const b = hull[hull.length - 1] ?? 0;
      // Pop b if it lies on or above the segment from a to j.
      const cross =
        (cost(group, b) - cost(group, a)) * (value(group, j) - value(group, a)) -
        (value(group, b) - value(group, a)) * (cost(group, j) - cost(group, a));
      if (cross <= 0) hull.pop();
      else break;
    }
    hull.push(j);
  }
  const steps: Step[] = [];
  for (let k = 1; k < hull.length; k += 1) {
    const from = hull[k - 1] ?? 0;
    const to = hull[k] ?? 0;
    steps.push({
      group: g,
      to,
      cost: cost(group, to) - cost(group, from),
      gain: value(group, from) - value(group, to),
    });
  }
  return steps;
}

function greedyWithRepair(
  groups: readonly (readonly ChoiceItem[])[],
  capacity: number,
  base: readonly number[],
  steps: readonly Step[],
): number[] {
  const choice = [...base];
  let used = groups.reduce((s, group, g) => s + cost(group, choice[g] ?? 0), 0);
  const blocked = new Set<number>();
  for (const step of steps) {
    // A group whose step did not fit takes no later (costlier) step: the hull must be climbed in order.
    if (blocked.has(step.group)) continue;
    if (used + step.cost <= capacity) {
      choice[step.group] = step.to;
      used += step.cost;
    } else blocked.add(step.group);
  }
  // Repair: spend what is left on the single best upgrade (any option, hull or not) until none fits.
  for (;;) {
    let bestGain = 0;
    let bestGroup = -1;
    let bestOption = -1;
    groups.forEach((group, g) => {
      const current = choice[g] ?? 0;
      group.forEach((item, j) => {
        const extra = item.cost - cost(group, current);
        const gain = value(group, current) - item.value;
        if (gain > bestGain && used + extra <= capacity) {
          bestGain = gain;
          bestGroup = g;
          bestOption = j;
        }
      });
    });
    if (bestGroup < 0) break;
    const group = groups[bestGroup] ?? [];
    used += cost(group, bestOption) - cost(group, choice[bestGroup] ?? 0);
    choice[bestGroup] = bestOption;
  }
  return choice;
}

const cost = (group: readonly ChoiceItem[], j: number): number => group[j]?.cost ?? Infinity;
const value = (group: readonly ChoiceItem[], j: number): number => group[j]?.value ?? Infinity;
