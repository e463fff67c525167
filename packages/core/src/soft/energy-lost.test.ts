// docs/algorithms.md section 3.2: E = sum_dropped s_i^2 / sum_all s_i^2 against the exact relative
// error of the dropped part of B'A' - BA.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LoraModuleState } from "../lora/adapter-state";
import { orthonormalRows } from "../lora/orthonormal-rows";
import { frobeniusSquared, rankOneProduct, subtract } from "../lora/test-fixtures";
import { createRng, type Rng } from "../random/rng";
import { energyLost } from "./energy-lost";
import { rankImportance } from "./rank-importance";
import { softRegulariser } from "./soft-regulariser";

/** Delta_i = b'_i a'_i^T - b_i a_i^T, dense d x k in float64. */
function rankChange(before: LoraModuleState, after: LoraModuleState, d: number, k: number, r: number, i: number) {
  return subtract(rankOneProduct(after.a, after.b, d, k, r, i), rankOneProduct(before.a, before.b, d, k, r, i));
}

/** ||sum_{i dropped} Delta_i||^2 / ||sum_i Delta_i||^2, formed densely. */
function exactEnergyLost(
  before: LoraModuleState,
  after: LoraModuleState,
  d: number,
  k: number,
  r: number,
  kept: boolean[],
) {
  const dropped = new Float64Array(d * k);
  const total = new Float64Array(d * k);
  for (let i = 0; i < r; i += 1) {
    const change = rankChange(before, after, d, k, r, i);
    for (let c = 0; c < d * k; c += 1) {
      total[c] = (total[c] ?? 0) + (change[c] ?? 0);
      if (kept[i] !== true) dropped[c] = (dropped[c] ?? 0) + (change[c] ?? 0);
    }
  }
  const t = frobeniusSquared(total);
  return t > 0 ? frobeniusSquared(dropped) / t : 0;
}

/**
 * Rank components whose before and after vectors span mutually orthogonal planes: a_i, a'_i in span(q_2i, q_2i+1)
 * of an orthonormal frame of R^k (same for b in R^d), plus Gaussian noise of size `noise` on every entry.
 */
function orthogonalSpans(rng: Rng, d: number, k: number, r: number, noise: number, zeroBefore: boolean) {
  const qa = orthonormalRows(2 * r, k, 1, rng);
  const qb = orthonormalRows(2 * r, d, 1, rng);
  const a = new Float32Array(r * k);
  const aNew = new Float32Array(r * k);
  const b = new Float32Array(d * r);
  const bNew = new Float32Array(d * r);
  for (let i = 0; i < r; i += 1) {
    const [x, y, xNew, yNew] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    for (let c = 0; c < k; c += 1) {
      const p = qa[2 * i * k + c] ?? 0;
      const q = qa[(2 * i + 1) * k + c] ?? 0;
      a[i * k + c] = x * p + y * q + noise * rng.normal();
      aNew[i * k + c] = xNew * p + yNew * q + noise * rng.normal();
    }
    const [u, v, uNew, vNew] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    for (let row = 0; row < d; row += 1) {
      const p = qb[2 * i * d + row] ?? 0;
      const q = qb[(2 * i + 1) * d + row] ?? 0;
      b[row * r + i] = zeroBefore ? 0 : u * p + v * q + noise * rng.normal();
      bNew[row * r + i] = uNew * p + vNew * q + noise * rng.normal();
    }
  }
  return { before: { a, b }, after: { a: aNew, b: bNew } };
}

const shapes = fc.record({
  r: fc.integer({ min: 1, max: 4 }),
  extraD: fc.integer({ min: 0, max: 4 }),
  extraK: fc.integer({ min: 0, max: 4 }),
  seed: fc.integer(),
  kept: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
});

describe("energyLost", () => {
  it("is the dropped share of the importance, 0 for no energy, 0 keeping all, 1 keeping none", () => {
    expect(energyLost([1, 2, 3, 4], [true, false, true, false])).toBeCloseTo(0.6, 12);
    expect(energyLost([0, 0], [false, false])).toBe(0);
    expect(energyLost([1, 2], [true, true])).toBe(0);
    expect(energyLost([1, 2], [false, false])).toBe(1);
  });

  it("dropping mutually orthogonal rank-1 changes loses exactly their energy (B = 0 before)", () => {
    fc.assert(
      fc.property(shapes, ({ r, extraD, extraK, seed, kept }) => {
        const [d, k] = [2 * r + extraD, 2 * r + extraK];
        const { before, after } = orthogonalSpans(createRng(seed), d, k, r, 0, true);
        const estimate = energyLost(rankImportance(before, after, d, k, r), kept);
        expect(Math.abs(estimate - exactEnergyLost(before, after, d, k, r, kept))).toBeLessThan(1e-5);
      }),
      { numRuns: 60 },
    );
  });

  it("dropping rank-1 changes in mutually orthogonal planes loses exactly their energy (B != 0 before)", () => {
    fc.assert(
      fc.property(shapes, ({ r, extraD, extraK, seed, kept }) => {
        const [d, k] = [2 * r + extraD, 2 * r + extraK];
        const { before, after } = orthogonalSpans(createRng(seed), d, k, r, 0, false);
        const estimate = energyLost(rankImportance(before, after, d, k, r), kept);
        expect(Math.abs(estimate - exactEnergyLost(before, after, d, k, r, kept))).toBeLessThan(1e-5);
      }),
      { numRuns: 60 },
    );
  });

  it("stays within 2 eps E / (1 - eps) of the exact loss, eps = ||offdiag cosines of the rank-1 changes||_F", () => {
    fc.assert(
      fc.property(shapes, fc.constantFrom(0.01, 0.05, 0.2, 1), fc.boolean(), (shape, noise, zeroBefore) => {
        const { r, extraD, extraK, seed, kept } = shape;
        const [d, k] = [2 * r + extraD, 2 * r + extraK];
        const { before, after } = orthogonalSpans(createRng(seed), d, k, r, noise, zeroBefore);
        const changes = Array.from({ length: r }, (_, i) => rankChange(before, after, d, k, r, i));
        let offDiagonal = 0;
        for (let i = 0; i < r; i += 1) {
          for (let j = 0; j < r; j += 1) {
            if (i === j) continue;
            const ci = changes[i] ?? new Float64Array(0);
            const cj = changes[j] ?? new Float64Array(0);
            let dot = 0;
            for (let c = 0; c < ci.length; c += 1) dot += (ci[c] ?? 0) * (cj[c] ?? 0);
            offDiagonal += dot ** 2 / (frobeniusSquared(ci) * frobeniusSquared(cj));
          }
        }
        const eps = Math.sqrt(offDiagonal);
        fc.pre(eps < 1);
        const estimate = energyLost(rankImportance(before, after, d, k, r), kept);
        const exact = exactEnergyLost(before, after, d, k, r, kept);
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual((2 * eps * estimate) / (1 - eps) + 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it("stays within 2 e E / (1 - e) of the exact loss when B = 0 before, e = sqrt(R_A R_B) <= R/2 of (A', B')", () => {
    fc.assert(
      fc.property(shapes, fc.constantFrom(0.01, 0.03, 0.1, 0.3), (shape, noise) => {
        const { r, extraD, extraK, seed, kept } = shape;
        const [d, k] = [2 * r + extraD, 2 * r + extraK];
        const { before, after } = orthogonalSpans(createRng(seed), d, k, r, noise, true);
        // R_A and R_B separately: R with the other factor zero.
        const regA = softRegulariser(after.a, new Float32Array(d * r), d, k, r, 1e-24).value;
        const regB = softRegulariser(new Float32Array(r * k), after.b, d, k, r, 1e-24).value;
        const e = Math.sqrt(regA * regB);
        fc.pre(e < 1);
        const estimate = energyLost(rankImportance(before, after, d, k, r), kept);
        const exact = exactEnergyLost(before, after, d, k, r, kept);
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual((2 * e * estimate) / (1 - e) + 1e-9);
      }),
      { numRuns: 150 },
    );
  });
});
