import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "../lora/adapter-spec";
import { denseProduct, frobeniusSquared, randomState, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import { separationGap } from "./separation-gap";

const spec: AdapterSpec = {
  modules: [
    { name: "q", d: 4, k: 5, rank: 2 },
    { name: "mlp", d: 12, k: 3, rank: 3 },
  ],
  dense: [],
  alpha: 4,
};

function gapOf(result: ReturnType<typeof separationGap>) {
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

describe("separationGap", () => {
  it("equals ||mean(B_n A_n) - mean(B_n) mean(A_n)||_F / ||mean(B_n A_n)||_F formed densely", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), (seed, clients) => {
        const rng = createRng(seed);
        const states = Array.from({ length: clients }, () => ({
          state: randomState(spec, rng),
          weight: 0.5 + rng.next(),
        }));
        const total = states.reduce((s, x) => s + x.weight, 0);
        const result = gapOf(separationGap(spec, states));
        let gapSq = 0;
        let normSq = 0;
        for (const [index, m] of spec.modules.entries()) {
          const joint = new Float64Array(m.d * m.k);
          const meanA = new Float64Array(m.rank * m.k);
          const meanB = new Float64Array(m.d * m.rank);
          for (const { state, weight } of states) {
            const f = state.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
            const product = denseProduct(f.a, f.b, m.d, m.k, m.rank);
            for (let c = 0; c < joint.length; c += 1) joint[c] = (joint[c] ?? 0) + (weight / total) * (product[c] ?? 0);
            for (let c = 0; c < meanA.length; c += 1) meanA[c] = (meanA[c] ?? 0) + (weight / total) * (f.a[c] ?? 0);
            for (let c = 0; c < meanB.length; c += 1) meanB[c] = (meanB[c] ?? 0) + (weight / total) * (f.b[c] ?? 0);
          }
          const diff = frobeniusSquared(subtract(joint, denseProduct(meanA, meanB, m.d, m.k, m.rank)));
          gapSq += diff;
          normSq += frobeniusSquared(joint);
          expect(result.modules[index]?.gap).toBeCloseTo(Math.sqrt(diff / frobeniusSquared(joint)), 9);
        }
        expect(result.overall).toBeCloseTo(Math.sqrt(gapSq / normSq), 9);
        if (clients === 1) expect(result.overall).toBeLessThan(1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it("is zero when every client shares A (ffa) and when every product is zero", () => {
    const rng = createRng(4);
    const shared = randomState(spec, rng);
    const states = [1, 2, 3].map((weight) => {
      const state = randomState(spec, rng);
      return {
        state: { ...state, modules: state.modules.map((m, i) => ({ a: shared.modules[i]?.a ?? m.a, b: m.b })) },
        weight,
      };
    });
    expect(gapOf(separationGap(spec, states)).overall).toBeLessThan(1e-12);
    const zeroB = states.map(({ state, weight }) => ({
      state: { ...state, modules: state.modules.map((m) => ({ a: m.a, b: new Float32Array(m.b.length) })) },
      weight,
    }));
    expect(gapOf(separationGap(spec, zeroB))).toEqual({
      modules: [
        { name: "q", gap: 0 },
        { name: "mlp", gap: 0 },
      ],
      skipped: [],
      overall: 0,
    });
  });

  it("skips and names the modules above the size cap and computes the rest", () => {
    const rng = createRng(6);
    const states = [
      { state: randomState(spec, rng), weight: 1 },
      { state: randomState(spec, rng), weight: 1 },
    ];
    const full = gapOf(separationGap(spec, states));
    const capped = gapOf(separationGap(spec, states, 20));
    expect(capped.skipped).toEqual(["mlp"]);
    expect(capped.modules).toEqual([full.modules[0]]);
    expect(capped.overall).toBeCloseTo(full.modules[0]?.gap ?? Number.NaN, 12);
  });

  it("rejects a zero total weight and a malformed state", () => {
    const state = randomState(spec, createRng(7));
    expect(separationGap(spec, [{ state, weight: 0 }]).ok).toBe(false);
    expect(separationGap(spec, [{ state: { ...state, modules: [] }, weight: 1 }]).ok).toBe(false);
  });
});
