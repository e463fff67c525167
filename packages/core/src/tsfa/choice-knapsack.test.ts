import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { knapsackGroups, type KnapsackItem } from "./knapsack-test-groups";
import { solveChoiceKnapsack } from "./choice-knapsack";
import { packChoiceProblem } from "./knapsack-relaxation";

const groupsArb = knapsackGroups(6);

function bruteForce(groups: readonly (readonly KnapsackItem[])[]): number {
  let best = Infinity;
  const walk = (g: number, cost: number, value: number): void => {
    if (cost > 1) return;
    const group = groups[g];
    if (group === undefined) {
      best = Math.min(best, value);
      return;
    }
    for (const item of group) walk(g + 1, cost + item.cost, value + item.value);
  };
  walk(0, 0, 0);
  return best;
}

describe("multiple-choice knapsack", () => {
  it("finds the least total value of any choice that fits, exactly as enumeration does", () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        const exact = bruteForce(groups);
        const solved = solveChoiceKnapsack(packChoiceProblem(groups));
        if (exact === Infinity) {
          expect(solved).toBeUndefined();
          return;
        }
        expect(solved).toBeDefined();
        if (solved === undefined) return;
        expect(solved.value).toBeCloseTo(exact, 12);
        // The reported choice is real: its items add up to the reported cost and value, within capacity.
        const items = Array.from(solved.choice, (j, g) => groups[g]?.[j]);
        expect(items.every((item) => item !== undefined)).toBe(true);
        expect(items.reduce((s, item) => s + (item?.cost ?? 0), 0)).toBeCloseTo(solved.cost, 12);
        expect(items.reduce((s, item) => s + (item?.value ?? 0), 0)).toBeCloseTo(solved.value, 12);
        expect(solved.cost).toBeLessThanOrEqual(1);
      }),
      { numRuns: 400 },
    );
  });

  it("prefers the cheaper of two choices with the same value", () => {
    const solved = solveChoiceKnapsack(
      packChoiceProblem([
        [
          { cost: 0.3, value: 0.2 },
          { cost: 0.5, value: 0.2 },
        ],
      ]),
    );
    expect(Array.from(solved?.choice ?? [])).toEqual([0]);
  });

  it("stays feasible when the frontier is thinned", () => {
    const groups = Array.from({ length: 8 }, (_, g) =>
      Array.from({ length: 6 }, (_, j) => ({ cost: (j + 1) * 0.02 + g * 0.001, value: 1 / (j + 1) })),
    );
    const solved = solveChoiceKnapsack(packChoiceProblem(groups), 1, 0, 400);
    expect(solved).toBeDefined();
    expect(solved?.cost ?? 2).toBeLessThanOrEqual(1);
  });
});
