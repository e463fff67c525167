import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { selectComponents, type ComponentCost } from "./select-components";

/** The 0/1-knapsack optimum by enumerating every subset (n <= 10). */
function bruteForceEnergy(items: readonly ComponentCost[], budget: number): number {
  let best = 0;
  for (let mask = 0; mask < 1 << items.length; mask += 1) {
    let bytes = 0;
    let energy = 0;
    for (const [i, item] of items.entries()) {
      if ((mask >> i) & 1) {
        bytes += item.bytes;
        energy += item.energy;
      }
    }
    if (bytes <= budget) best = Math.max(best, energy);
  }
  return best;
}

// Integers / 10, not fc.double: doubles spread over every exponent make one item dominate and greedy trivially optimal.
const energy = fc.integer({ min: 0, max: 1000 }).map((x) => x / 10);
const mixedItems = fc.array(fc.record({ energy, bytes: fc.integer({ min: 1, max: 50 }) }), { maxLength: 10 });
const budget = fc.integer({ min: 0, max: 200 });

describe("selectComponents", () => {
  it("never exceeds the byte budget and reports what it kept", () => {
    fc.assert(
      fc.property(mixedItems, budget, (items, byteBudget) => {
        const { kept, bytesUsed, energyKept } = selectComponents(items, byteBudget);
        const keptItems = items.filter((_, i) => kept[i]);
        expect(bytesUsed).toBeLessThanOrEqual(byteBudget);
        expect(bytesUsed).toBe(keptItems.reduce((sum, item) => sum + item.bytes, 0));
        expect(energyKept).toBeCloseTo(
          keptItems.reduce((sum, item) => sum + item.energy, 0),
          9,
        );
      }),
    );
  });

  it("fills until full: every component left out has no energy or no longer fits", () => {
    fc.assert(
      fc.property(mixedItems, budget, (items, byteBudget) => {
        const { kept, bytesUsed } = selectComponents(items, byteBudget);
        for (const [i, item] of items.entries()) {
          if (kept[i] === true) expect(item.energy).toBeGreaterThan(0);
          else expect(item.energy === 0 || bytesUsed + item.bytes > byteBudget).toBe(true);
        }
      }),
    );
  });

  it("equals the brute-force optimum when every component costs the same", () => {
    fc.assert(
      fc.property(
        fc.array(energy, { maxLength: 10 }),
        fc.integer({ min: 1, max: 30 }),
        budget,
        (energies, bytes, byteBudget) => {
          const items = energies.map((e) => ({ energy: e, bytes }));
          expect(selectComponents(items, byteBudget).energyKept).toBeCloseTo(bruteForceEnergy(items, byteBudget), 9);
        },
      ),
    );
  });

  it("with mixed sizes, keeps at least OPT - (energy of the first skipped) and (1 - maxBytes / budget) OPT", () => {
    fc.assert(
      fc.property(mixedItems, budget, (items, byteBudget) => {
        const { kept, energyKept } = selectComponents(items, byteBudget);
        const best = bruteForceEnergy(items, byteBudget);
        const order = items
          .map((item, i) => ({ ...item, i }))
          .filter((item) => item.energy > 0)
          .sort((x, y) => y.energy / y.bytes - x.energy / x.bytes || x.i - y.i);
        const firstSkipped = order.find((item) => kept[item.i] !== true)?.energy ?? 0;
        const maxBytes = Math.max(0, ...items.map((item) => item.bytes));
        expect(energyKept).toBeGreaterThanOrEqual(best - firstSkipped - 1e-9);
        if (byteBudget > 0) expect(energyKept).toBeGreaterThanOrEqual((1 - maxBytes / byteBudget) * best - 1e-9);
      }),
    );
  });

  it("prefers energy per byte and skips a component that does not fit to keep a smaller one", () => {
    const items = [
      { energy: 10, bytes: 10 },
      { energy: 9, bytes: 3 },
      { energy: 4, bytes: 2 },
      { energy: 0, bytes: 1 },
    ];
    // Ratios 1, 3, 2: keep #1 (3 bytes), #2 (5), then #0 needs 10 more and does not fit in 8.
    expect(selectComponents(items, 8)).toEqual({ kept: [false, true, true, false], bytesUsed: 5, energyKept: 13 });
    expect(selectComponents(items, 15).kept).toEqual([true, true, true, false]);
  });
});
