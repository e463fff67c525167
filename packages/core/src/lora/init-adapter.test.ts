import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "./adapter-spec";
import { A_INIT_ROW_NORM, DENSE_INIT_STD, initAdapter } from "./init-adapter";
import { validateAdapter } from "./validate-adapter";

function specOf(d: number, k: number, rank: number): AdapterSpec {
  return {
    modules: [
      { name: "h.0.attn.q", d, k, rank },
      { name: "h.0.attn.v", d: k, k: d, rank },
    ],
    dense: [
      { name: "head.weight", shape: [3, 64] },
      { name: "head.bias", shape: [3] },
    ],
    alpha: 16,
  };
}

function rowDot(a: Float32Array, k: number, i: number, j: number): number {
  let dot = 0;
  for (let c = 0; c < k; c += 1) dot += (a[i * k + c] ?? 0) * (a[j * k + c] ?? 0);
  return dot;
}

describe("initAdapter", () => {
  it("gives A rows of the init norm, orthogonal within each block of k rows, and B = 0", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer(),
        (d, k, rank, seed) => {
          const spec = specOf(d, k, rank);
          const state = initAdapter(spec, seed);
          expect(validateAdapter(spec, state).ok).toBe(true);
          for (const [index, m] of spec.modules.entries()) {
            const a = state.modules[index]?.a ?? new Float32Array(0);
            for (let i = 0; i < m.rank; i += 1) {
              for (let j = 0; j <= i; j += 1) {
                const sameBlock = Math.floor(i / m.k) === Math.floor(j / m.k);
                if (i === j) expect(rowDot(a, m.k, i, j)).toBeCloseTo(A_INIT_ROW_NORM ** 2, 6);
                else if (sameBlock) expect(Math.abs(rowDot(a, m.k, i, j))).toBeLessThan(1e-6);
              }
            }
            expect(state.modules[index]?.b.every((x) => x === 0)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("replays the same state for the same seed and another for a different seed", () => {
    const spec = specOf(8, 6, 4);
    expect(initAdapter(spec, 5)).toEqual(initAdapter(spec, 5));
    expect(initAdapter(spec, 5).modules[0]?.a).not.toEqual(initAdapter(spec, 6).modules[0]?.a);
  });

  it("starts dense matrices as small seeded normals and dense vectors at zero", () => {
    const spec: AdapterSpec = {
      modules: [],
      dense: [
        { name: "w", shape: [50, 200] },
        { name: "bias", shape: [50] },
      ],
      alpha: 1,
    };
    const state = initAdapter(spec, 3);
    const w = state.dense[0] ?? new Float32Array(0);
    let sq = 0;
    for (const x of w) sq += x * x;
    expect(Math.sqrt(sq / w.length)).toBeCloseTo(DENSE_INIT_STD, 3);
    expect(state.dense[1]?.every((x) => x === 0)).toBe(true);
  });
});
