// The byte budgets worth considering for one client (docs/algorithms.md section 5.4): the breakpoints of its own
// selection rule. Between two breakpoints a bigger budget keeps the same components, so it only costs bandwidth.

import { selectionOrder, type ComponentCost } from "./select-components";

export interface BudgetOption {
  /** Total bytes the client may send: overhead + the kept components' bytes (or minBytes, if larger). */
  readonly byteBudget: number;
  /** Fraction of the client's update energy in the components it does not keep. */
  readonly energyLost: number;
}

/**
 * Every budget at which the client's greedy rule keeps a new, better set, cheapest first, energy strictly
 * decreasing; the first is the minimum (max(minBytes, overheadBytes)), the last keeps every component.
 *
 * Why this is complete: let b grow. The rule's decisions up to the first component it handles differently stay the
 * same, and that component (call it c) must now fit where it did not. The kept energy strictly grows: the old choices after c fit in fewer bytes than
 * c has and have no higher energy per byte, so together they bring less than c alone.
 * The next change happens at b + min over skipped c of (bytes_c - room left when c was visited), where c fits
 * exactly, so each breakpoint's kept bytes equal its budget. Walking breakpoint to breakpoint visits every distinct
 * kept set in O(m) per step. With equal component sizes (the usual case: q and v share d + k) the breakpoints are
 * just the m + 1 prefixes of the greedy order.
 *
 * `maxOptions` bounds the list for adversarial mixes of sizes: beyond it, evenly spaced options are kept (the first
 * and the last always), which keeps every option exact but leaves gaps the solver cannot use.
 */
export function budgetOptions(
  components: readonly ComponentCost[],
  overheadBytes: number,
  minBytes: number,
  maxOptions = 512,
): BudgetOption[] {
  const order = selectionOrder(components);
  const energyOf = (i: number): number => components[i]?.energy ?? 0;
  const bytesOf = (i: number): number => components[i]?.bytes ?? 0;
  const totalEnergy = order.reduce((sum, i) => sum + energyOf(i), 0);
  const minComponentBytes = Math.max(0, minBytes - overheadBytes);
  const size = bytesOf(order[0] ?? 0);
  if (order.every((i) => bytesOf(i) === size))
    return thin(equalSizeOptions(order.map(energyOf), size, totalEnergy, overheadBytes, minComponentBytes), maxOptions);
  const options: BudgetOption[] = [];
  let budget = minComponentBytes;
  for (;;) {
    let used = 0;
    let kept = 0;
    let nextStep = Infinity;
    for (const i of order) {
      const room = budget - used;
      if (bytesOf(i) <= room) {
        used += bytesOf(i);
        kept += energyOf(i);
      } else nextStep = Math.min(nextStep, bytesOf(i) - room);
    }
    const energyLost = totalEnergy > 0 ? Math.max(0, 1 - kept / totalEnergy) : 0;
    const last = options.at(-1);
    if (last === undefined || energyLost < last.energyLost) {
      const byteBudget = overheadBytes + (budget === minComponentBytes ? minComponentBytes : used);
      options.push({ byteBudget, energyLost });
    }
    if (nextStep === Infinity) break;
    budget += nextStep;
  }
  return thin(options, maxOptions);
}

/**
 * The walk above when every component costs `size` bytes, in O(m) instead of O(m^2): with budget b the rule keeps
 * the first floor(b / size) components of its order, so the breakpoints are the minimum and then every further
 * prefix. Energies are summed in the same order as the walk, so the figures are the same to the last bit.
 */
function equalSizeOptions(
  energies: readonly number[],
  size: number,
  totalEnergy: number,
  overheadBytes: number,
  minComponentBytes: number,
): BudgetOption[] {
  const lost = (kept: number): number => (totalEnergy > 0 ? Math.max(0, 1 - kept / totalEnergy) : 0);
  const first = Math.min(energies.length, Math.floor(minComponentBytes / size));
  let kept = 0;
  for (let c = 0; c < first; c += 1) kept += energies[c] ?? 0;
  const options: BudgetOption[] = [{ byteBudget: overheadBytes + minComponentBytes, energyLost: lost(kept) }];
  for (let c = first; c < energies.length; c += 1) {
    kept += energies[c] ?? 0;
    const energyLost = lost(kept);
    if (energyLost < (options.at(-1)?.energyLost ?? Infinity))
      options.push({ byteBudget: overheadBytes + (c + 1) * size, energyLost });
  }
  return options;
}

function thin(options: BudgetOption[], maxOptions: number): BudgetOption[] {
  if (options.length <= maxOptions || maxOptions < 2) return options;
  const picked: BudgetOption[] = [];
  for (let j = 0; j < maxOptions; j += 1) {
    const option = options[Math.round((j * (options.length - 1)) / (maxOptions - 1))];
    if (option !== undefined) picked.push(option);
  }
  return picked;
}
