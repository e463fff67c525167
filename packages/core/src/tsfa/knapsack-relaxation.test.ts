import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { relax, type ChoiceItem } from "./knapsack-relaxation";

const groupsArb = fc.array(
  fc.array(
    fc.record({
      cost: fc.double({ min: 0, max: 0.6, noNaN: true }),
      value: fc.double({ min: 0, max: 1, noNaN: true }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
  { minLength: 1, maxLength: 5 },
);

/** Least total value of groups `from`.. over every choice costing at most `capacity`. */
function bruteForce(groups: readonly (readonly ChoiceItem[])[], from: number, capacity: number): number {
  let best = Infinity;
  const walk = (g: number, cost: number, value: number): void => {
    if (cost > capacity) return;
    const group = groups[g];
    if (group === undefined) {
      best = Math.min(best, value);
      return;
    }
    for (const item of group) walk(g + 1, cost + item.cost, value + item.value);
  };
  walk(from, 0, 0);
  return best;
}

describe("knapsack LP relaxation", () => {
  it("bounds every suffix's integer optimum from below, for any share left", () => {
    fc.assert(
      fc.property(groupsArb, fc.double({ min: 0, max: 2, noNaN: true }), (groups, capacity) => {
        const relaxation = relax(groups, capacity);
        for (let from = 0; from < groups.length; from += 1) {
          let baseCost = 0;
          for (let g = from; g < groups.length; g += 1) baseCost += groups[g]?.[relaxation.base[g] ?? 0]?.cost ?? 0;
          const exact = bruteForce(groups, from, capacity);
          if (exact === Infinity) continue;
          expect(relaxation.lowerBound(from, capacity - baseCost)).toBeLessThanOrEqual(exact + 1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives an integer incumbent that fits whenever the cheapest options do", () => {
    fc.assert(
      fc.property(groupsArb, fc.double({ min: 0, max: 2, noNaN: true }), (groups, capacity) => {
        const relaxation = relax(groups, capacity);
        const cost = (choice: readonly number[]): number =>
          groups.reduce((s, group, g) => s + (group[choice[g] ?? 0]?.cost ?? Infinity), 0);
        fc.pre(cost(relaxation.base) <= capacity);
        expect(cost(relaxation.incumbent)).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 300 },
    );
  });

  it("takes hull steps by energy per share and splits the last one", () => {
    // One group, options (0, 1), (0.5, 0.5), (1, 0.25): with share 0.75 the LP reaches 0.5 - 0.25 * 0.5 = 0.375.
    const relaxation = relax(
      [
        [
          { cost: 0, value: 1 },
          { cost: 0.5, value: 0.5 },
          { cost: 1, value: 0.25 },
        ],
      ],
      0.75,
    );
    expect(relaxation.lowerBound(0, 0.75)).toBeCloseTo(0.375, 12);
    expect(relaxation.incumbent).toEqual([1]);
  });
});
