import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { budgetOptions } from "./budget-options";
import { selectComponents, type ComponentCost } from "./select-components";

const componentsArb = fc.array(
  fc.record({
    energy: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 10, noNaN: true })),
    bytes: fc.integer({ min: 1, max: 24 }),
  }),
  { minLength: 1, maxLength: 7 },
);

/** Energy fraction the client's own rule loses with a total byte budget, by direct simulation. */
function lostAt(components: readonly ComponentCost[], overheadBytes: number, byteBudget: number): number {
  const total = components.reduce((s, c) => s + c.energy, 0);
  if (total === 0) return 0;
  return 1 - selectComponents(components, byteBudget - overheadBytes).energyKept / total;
}

describe("budget options", () => {
  it("never lets the selection rule lose energy when the budget grows", () => {
    fc.assert(
      fc.property(componentsArb, (components) => {
        const all = components.reduce((s, c) => s + c.bytes, 0);
        for (let b = 0; b < all; b += 1) {
          expect(selectComponents(components, b + 1).energyKept).toBeGreaterThanOrEqual(
            selectComponents(components, b).energyKept,
          );
        }
      }),
    );
  });

  it("lists exactly the budgets where the rule's energy lost steps down, at every integer budget", () => {
    fc.assert(
      fc.property(
        // Half the cases with every component the same size (the usual case, and a shortcut of its own).
        fc.oneof(
          componentsArb,
          fc
            .tuple(componentsArb, fc.integer({ min: 1, max: 24 }))
            .map(([components, bytes]) => components.map((c) => ({ ...c, bytes }))),
        ),
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 60 }),
        (components, overheadBytes, minBytes) => {
          const options = budgetOptions(components, overheadBytes, minBytes);
          const first = Math.max(minBytes, overheadBytes);
          const last = overheadBytes + components.reduce((s, c) => s + c.bytes, 0) + 3;
          expect(options[0]?.byteBudget).toBe(first);
          for (const [j, option] of options.entries()) {
            expect(option.energyLost).toBeCloseTo(lostAt(components, overheadBytes, option.byteBudget), 12);
            const next = options[j + 1];
            if (next !== undefined) {
              expect(next.byteBudget).toBeGreaterThan(option.byteBudget);
              expect(next.energyLost).toBeLessThan(option.energyLost);
            }
          }
          expect(options.at(-1)?.energyLost).toBeCloseTo(0, 12);
          for (let b = first; b <= last; b += 1) {
            const best = options.filter((o) => o.byteBudget <= b).at(-1);
            expect(best?.energyLost).toBeCloseTo(lostAt(components, overheadBytes, b), 12);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the m + 1 greedy prefixes when every component has the same size", () => {
    const components = [0.1, 0.4, 0.2, 0.3].map((energy) => ({ energy, bytes: 10 }));
    expect(budgetOptions(components, 5, 0).map((o) => o.byteBudget)).toEqual([5, 15, 25, 35, 45]);
    expect(budgetOptions(components, 5, 0).map((o) => Number(o.energyLost.toFixed(12)))).toEqual([1, 0.6, 0.3, 0.1, 0]);
  });

  it("thins a long list to evenly spaced exact options, keeping the first and the last", () => {
    const components = Array.from({ length: 40 }, (_, i) => ({ energy: 40 - i, bytes: 1 }));
    const thinned = budgetOptions(components, 0, 0, 5);
    expect(thinned.map((o) => o.byteBudget)).toEqual([0, 10, 20, 30, 40]);
  });
});
