// TSFA predicts what a client will keep under a byte budget with the client's own rule (DESIGN.md 4.3), which lives
// in ../soft/select-components.ts: greedy by energy per byte, ties by lower index, skipping components that do not
// fit and trying the smaller ones after them; components with energy <= 0 or bytes <= 0 are never kept.
// Stage 2 also needs the order in which that rule visits components (its breakpoints follow from it); soft does not
// export it, so it is restated here and a test checks that a fill along this order keeps exactly what soft keeps.

import type { ComponentCost } from "../soft/select-components";

export { selectComponents, type ComponentCost, type ComponentSelection } from "../soft/select-components";

/** The keepable components in the order the selection rule visits them: by energy / bytes, ties by index. */
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
