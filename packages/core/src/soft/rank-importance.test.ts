import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { frobeniusSquared, randomValues, rankOneProduct, denseProduct, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import { productChangeEnergy } from "./product-change-energy";
import { rankImportance } from "./rank-importance";

const cases = fc.record({
  d: fc.integer({ min: 1, max: 7 }),
  k: fc.integer({ min: 1, max: 7 }),
  r: fc.integer({ min: 1, max: 5 }),
  seed: fc.integer(),
  scale: fc.constantFrom(0, 1e-3, 1, 30),
});

function randomPair(d: number, k: number, r: number, seed: number, scale: number) {
  const rng = createRng(seed);
  const before = { a: randomValues(rng, r * k), b: randomValues(rng, d * r, scale) };
  // After = before + a change of random size, so both small and large changes occur.
  const step = rng.next() * 2;
  const after = {
    a: before.a.map((x) => x + rng.normal() * step),
    b: before.b.map((x) => x + rng.normal() * step),
  };
  return { before, after };
}

describe("rankImportance", () => {
  it("equals the exact ||b'_i a'_i^T - b_i a_i^T||_F^2 computed densely", () => {
    fc.assert(
      fc.property(cases, ({ d, k, r, seed, scale }) => {
        const { before, after } = randomPair(d, k, r, seed, scale);
        const s2 = rankImportance(before, after, d, k, r);
        for (let i = 0; i < r; i += 1) {
          const exact = frobeniusSquared(
            subtract(rankOneProduct(after.a, after.b, d, k, r, i), rankOneProduct(before.a, before.b, d, k, r, i)),
          );
          const size =
            frobeniusSquared(rankOneProduct(after.a, after.b, d, k, r, i)) +
            frobeniusSquared(rankOneProduct(before.a, before.b, d, k, r, i));
          expect(Math.abs((s2[i] ?? 0) - exact)).toBeLessThanOrEqual(1e-12 * (size + 1));
          expect(s2[i]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("is zero for a component that did not change", () => {
    const { before } = randomPair(4, 5, 3, 9, 1);
    expect([...rankImportance(before, before, 4, 5, 3)]).toEqual([0, 0, 0]);
  });
});

describe("productChangeEnergy", () => {
  it("equals the exact ||B'A' - BA||_F^2 computed densely", () => {
    fc.assert(
      fc.property(cases, ({ d, k, r, seed, scale }) => {
        const { before, after } = randomPair(d, k, r, seed, scale);
        const exact = frobeniusSquared(
          subtract(denseProduct(after.a, after.b, d, k, r), denseProduct(before.a, before.b, d, k, r)),
        );
        const size = frobeniusSquared(denseProduct(after.a, after.b, d, k, r)) + 1;
        expect(Math.abs(productChangeEnergy(before, after, d, k, r) - exact)).toBeLessThanOrEqual(1e-12 * size);
      }),
      { numRuns: 100 },
    );
  });
});
