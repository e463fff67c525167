import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { knapsackGroups, type KnapsackItem } from "./knapsack-test-groups";
import { packChoiceProblem, relax, suffixBounds } from "./knapsack-relaxation";

const groupsArb = knapsackGroups(5);

/** Least total value of groups `from`.. over every choice costing at most `capacity`. */
function bruteForce(groups: readonly (readonly KnapsackItem[])[], from: number, capacity: number): number {
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
  it("bounds the integer optimum from below and gives an incumbent that fits and adds up", () => {
    fc.assert(
      fc.property(groupsArb, fc.double({ min: 0, max: 2, noNaN: true }), (groups, capacity) => {
        const relaxation = relax(packChoiceProblem(groups), capacity);
        const exact = bruteForce(groups, 0, capacity);
        if (exact === Infinity) {
          expect(relaxation).toBeUndefined();
          return;
        }
        if (relaxation === undefined) throw new Error("feasible problem judged infeasible");
        expect(relaxation.lowerBound).toBeLessThanOrEqual(exact + 1e-12);
        const items = groups.map((group, g) => group[relaxation.incumbent[g] ?? -1]);
        const cost = items.reduce((s, item) => s + (item?.cost ?? Infinity), 0);
        const value = items.reduce((s, item) => s + (item?.value ?? Infinity), 0);
        expect(cost).toBeLessThanOrEqual(capacity);
        expect(cost).toBeCloseTo(relaxation.incumbentCost, 12);
        expect(value).toBeCloseTo(relaxation.incumbentValue, 12);
      }),
      { numRuns: 400 },
    );
  });

  it("bounds every suffix's optimum from below, for any share left", () => {
    fc.assert(
      fc.property(groupsArb, fc.double({ min: 0, max: 2, noNaN: true }), (groups, capacity) => {
        const problem = packChoiceProblem(groups);
        const relaxation = relax(problem, capacity);
        if (relaxation === undefined) return;
        const bound = suffixBounds(problem, relaxation);
        for (let from = 0; from <= groups.length; from += 1) {
          for (const room of [0, capacity / 3, capacity, 2 * capacity]) {
            const exact = from === groups.length ? 0 : bruteForce(groups, from, room);
            if (exact !== Infinity) expect(bound(from, room)).toBeLessThanOrEqual(exact + 1e-12);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("reaches the LP optimum: hull steps by value per share, the last one split", () => {
    // One group, options (0, 1), (0.5, 0.5), (1, 0.25): with share 0.75 the LP reaches 0.5 - 0.25 * 0.5 = 0.375.
    const relaxation = relax(
      packChoiceProblem([
        [
          { cost: 0, value: 1 },
          { cost: 0.5, value: 0.5 },
          { cost: 1, value: 0.25 },
        ],
      ]),
      0.75,
    );
    expect(relaxation?.lowerBound).toBeCloseTo(0.375, 9);
    expect(Array.from(relaxation?.incumbent ?? [])).toEqual([1]);
  });

  it("is exact when every group's best option fits", () => {
    const relaxation = relax(
      packChoiceProblem([
        [
          { cost: 0, value: 1 },
          { cost: 0.4, value: 0.2 },
        ],
        [
          { cost: 0.1, value: 0.5 },
          { cost: 0.5, value: 0.1 },
        ],
      ]),
      1,
    );
    expect(relaxation?.lowerBound).toBeCloseTo(0.3, 12);
    expect(relaxation?.incumbentValue).toBeCloseTo(0.3, 12);
  });
});
