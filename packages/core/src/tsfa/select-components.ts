// A private copy of the client's selection rule (DESIGN.md 4.3), so that TSFA predicts exactly what a client keeps
// under the byte budget it is given. Same names and contract as packages/core/src/soft/select-components.ts: once
// that file is settled, replace this body with `export * from "../soft/select-components";`.
//
// The rule: visit components by energy / bytes, highest first (ties: lower index first), keep each one that still
// fits in what is left of the budget, skip one that does not and keep trying the smaller ones after it. Components
// with energy <= 0, non-finite energy or bytes <= 0 are never kept.

export interface Component {
  /** s_i^2, the energy sending this component keeps. */
  readonly energy: number;
  /** What sending it costs, > 0. */
  readonly bytes: number;
}

export interface Selection {
  /** kept[i]: component i is sent. */
  readonly kept: boolean[];
  readonly bytesUsed: number;
  readonly energyKept: number;
}

/** The order in which the rule visits components: the keepable ones, by energy per byte, ties by index. */
export function selectionOrder(items: readonly Component[]): number[] {
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

export function selectComponents(items: readonly Component[], byteBudget: number): Selection {
  const kept = items.map(() => false);
  let bytesUsed = 0;
  let energyKept = 0;
  for (const i of selectionOrder(items)) {
    const item = items[i];
    if (item === undefined || bytesUsed + item.bytes > byteBudget) continue;
    kept[i] = true;
    bytesUsed += item.bytes;
    energyKept += item.energy;
  }
  return { kept, bytesUsed, energyKept };
}
