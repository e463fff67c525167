import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../random/rng";
import { softRegulariser } from "./soft-regulariser";

function normals(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal());
}

const dims = fc.record({
  d: fc.integer({ min: 1, max: 5 }),
  k: fc.integer({ min: 1, max: 5 }),
  r: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer(),
});

describe("softRegulariser", () => {
  it("has an analytic gradient equal to central finite differences (float64)", () => {
    fc.assert(
      fc.property(dims, ({ d, k, r, seed }) => {
        const rng = createRng(seed);
        const a = normals(rng, r * k);
        const b = normals(rng, d * r);
        const { gradA, gradB } = softRegulariser(a, b, d, k, r);
        const valueAt = (x: Float64Array, i: number, at: number): number => {
          const keep = x[i] ?? 0;
          x[i] = at;
          const value = softRegulariser(a, b, d, k, r).value;
          x[i] = keep;
          return value;
        };
        const check = (x: Float64Array, grad: Float64Array): void => {
          for (let i = 0; i < x.length; i += 1) {
            const keep = x[i] ?? 0;
            // The normalisation curves on the scale max(|x|, sqrt(eps)): a step 1e-3 of that scale and the
            // five-point stencil (error O(h^4)) stay accurate even for a component drawn close to zero.
            const h = 1e-3 * Math.max(Math.abs(keep), 1e-4);
            const numeric =
              (8 * (valueAt(x, i, keep + h) - valueAt(x, i, keep - h)) -
                (valueAt(x, i, keep + 2 * h) - valueAt(x, i, keep - 2 * h))) /
              (12 * h);
            expect(Math.abs((grad[i] ?? 0) - numeric)).toBeLessThan(1e-6 + 1e-6 * Math.abs(numeric));
          }
        };
        check(a, gradA);
        check(b, gradB);
      }),
      // The seed -6 draws a component of B at -6e-4, where the old two-point difference was off by 1.5e-3.
      { numRuns: 40, examples: [[{ d: 1, k: 2, r: 3, seed: -6 }]] },
    );
  });

  it("equals the sum of squared off-diagonal cosines of A's rows and of B's columns", () => {
    // Rows of A at 60 degrees (cos 1/2, R_A = 2 * 1/4); B's columns at 90 degrees (R_B = 0); scales must not matter.
    const a = new Float32Array([2, 0, 0.5, Math.sqrt(3) / 2]);
    const b = new Float32Array([3, 0, 0, 0.1]);
    expect(softRegulariser(a, b, 2, 2, 2, 0).value).toBeCloseTo(0.5, 6);
  });

  it("is zero with a zero gradient for orthogonal A and B = 0", () => {
    const a = new Float32Array([0, 0.5, 0, 0, 0, 0.5]);
    const result = softRegulariser(a, new Float32Array(6), 3, 3, 2);
    expect(result.value).toBe(0);
    expect([...result.gradA, ...result.gradB].every((g) => g === 0)).toBe(true);
  });

  it("does not depend on the scale of each component", () => {
    fc.assert(
      fc.property(dims, fc.double({ min: 0.1, max: 10, noNaN: true }), ({ d, k, r, seed }, scale) => {
        const rng = createRng(seed);
        const a = normals(rng, r * k);
        const b = normals(rng, d * r);
        const scaledA = a.map((x, index) => (Math.floor(index / k) === 0 ? x * scale : x));
        const scaledB = b.map((x, index) => (index % r === r - 1 ? x / scale : x));
        const base = softRegulariser(a, b, d, k, r, 1e-20).value;
        expect(softRegulariser(scaledA, scaledB, d, k, r, 1e-20).value).toBeCloseTo(base, 9);
      }),
      { numRuns: 40 },
    );
  });
});
