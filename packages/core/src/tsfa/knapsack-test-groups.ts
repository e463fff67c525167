// Random multiple-choice knapsack instances for the property tests of choice-knapsack.ts and
// knapsack-relaxation.ts: up to `maxGroups` groups of 1-5 items, each group sorted by cost.
import fc from "fast-check";

export type KnapsackItem = { cost: number; value: number };

export function knapsackGroups(maxGroups: number): fc.Arbitrary<KnapsackItem[][]> {
  return fc.array(
    fc
      .array(
        fc.record({
          cost: fc.double({ min: 0, max: 0.6, noNaN: true }),
          value: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        { minLength: 1, maxLength: 5 },
      )
      .map((group) => [...group].sort((a, b) => a.cost - b.cost)),
    { minLength: 1, maxLength: maxGroups },
  );
}
