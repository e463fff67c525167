// docs/algorithms.md section 3.3: choose which components to send under a byte budget, greedily by energy per byte.

export interface ComponentCost {
  /** s_i^2, the energy sending this component keeps. */
  readonly energy: number;
  /** What sending it costs, > 0. */
  readonly bytes: number;
}

export interface ComponentSelection {
  /** kept[i]: component i is sent. */
  readonly kept: boolean[];
  readonly bytesUsed: number;
  readonly energyKept: number;
}

/**
 * Greedy fill: visit components by energy / bytes, highest first (ties: lower index first), and keep each one that
 * still fits in what is left of the budget; one that does not fit is skipped and smaller ones after it are still
 * tried ("until full" = until no remaining component fits). bytesUsed never exceeds byteBudget.
 * Never kept: components with energy <= 0 (sending them changes nothing) and malformed ones (non-finite energy,
 * bytes <= 0 or non-finite).
 *
 * Optimality (see README): exact (equals the 0/1-knapsack optimum) when every component costs the same, e.g. all
 * modules share d + k. With mixed sizes, if c is the first component in greedy order that was skipped, then
 * energyKept >= OPT - energy(c) >= OPT - max energy, and energyKept >= (1 - maxBytes / byteBudget) * OPT.
 * O(n log n).
 */
export function selectComponents(items: readonly ComponentCost[], byteBudget: number): ComponentSelection {
  const order = selectionOrder(items);
  const kept = items.map(() => false);
  let bytesUsed = 0;
  let energyKept = 0;
  for (const i of order) {
    const item = items[i];
    if (item === undefined || bytesUsed + item.bytes > byteBudget) continue;
    kept[i] = true;
    bytesUsed += item.bytes;
    energyKept += item.energy;
  }
  return { kept, bytesUsed, energyKept };
}

/** The keepable components in the order the rule visits them: by energy / bytes descending, ties by lower index.
 * TSFA derives a client's budget breakpoints from this same order. */
export function selectionOrder(items: readonly ComponentCost[]): number[] {
  const order: number[] = [];
  for (const [i, item] of items.entries()) {
    const valid = Number.isFinite(item.energy) && Number.isFinite(item.bytes) && item.bytes > 0;
    if (valid && item.energy > 0) order.push(i);
  }
  const ratio = (i: number): number => {
    const item = items[i];
    return item === undefined ? 0 : item.energy / item.bytes;
  };
  return order.sort((x, y) => ratio(y) - ratio(x) || x - y);
}
