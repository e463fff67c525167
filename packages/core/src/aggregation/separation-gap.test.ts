import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { denseProduct, frobeniusSquared, randomState, subtract } from "../lora/test-fixtures";
import { createRng, type Rng } from "../random/rng";
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

/** The state plus noise of size `scale` on every factor: a client after a round of local training. */
function moved(state: AdapterState, rng: Rng, scale: number): AdapterState {
  const jitter = (x: Float32Array): Float32Array => x.map((v) => v + rng.normal() * scale);
  return { modules: state.modules.map((m) => ({ a: jitter(m.a), b: jitter(m.b) })), dense: [] };
}

/** What fedit returns for these states: the weighted means of A and of B (float64, rounded to float32 once). */
function separateMeans(states: readonly { state: AdapterState; weight: number }[]): AdapterState {
  const total = states.reduce((s, x) => s + x.weight, 0);
  const mean = (pick: (state: AdapterState) => Float32Array): Float32Array => {
    const sum = new Float64Array(pick(states[0]?.state ?? { modules: [], dense: [] }).length);
    for (const { state, weight } of states)
      pick(state).forEach((v, i) => (sum[i] = (sum[i] ?? 0) + (weight / total) * v));
    return Float32Array.from(sum);
  };
  return {
    modules: spec.modules.map((_, index) => ({
      a: mean((s) => s.modules[index]?.a ?? new Float32Array(0)),
      b: mean((s) => s.modules[index]?.b ?? new Float32Array(0)),
    })),
    dense: [],
  };
}

describe("separationGap", () => {
  it("equals ||mean(B_n A_n) - B^ A^||_F / ||mean(B_n A_n) - B_0 A_0||_F formed densely", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 4 }), (seed, clients) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const states = Array.from({ length: clients }, () => ({
          state: randomState(spec, rng),
          weight: 0.5 + rng.next(),
        }));
        const returned = randomState(spec, rng);
        const total = states.reduce((s, x) => s + x.weight, 0);
        const result = gapOf(separationGap(spec, global, states, returned));
        let gapSq = 0;
        let changeSq = 0;
        for (const [index, m] of spec.modules.entries()) {
          const ideal = new Float64Array(m.d * m.k);
          for (const { state, weight } of states) {
            const f = state.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
            const product = denseProduct(f.a, f.b, m.d, m.k, m.rank);
            for (let c = 0; c < ideal.length; c += 1) ideal[c] = (ideal[c] ?? 0) + (weight / total) * (product[c] ?? 0);
          }
          const product = (s: AdapterState): Float64Array =>
            denseProduct(s.modules[index]?.a ?? [], s.modules[index]?.b ?? [], m.d, m.k, m.rank);
          const diff = frobeniusSquared(subtract(ideal, product(returned)));
          const change = frobeniusSquared(subtract(ideal, product(global)));
          gapSq += diff;
          changeSq += change;
          expect(result.modules[index]?.gap).toBeCloseTo(Math.sqrt(diff / change), 9);
        }
        expect(result.overall).toBeCloseTo(Math.sqrt(gapSq / changeSq), 9);
      }),
      { numRuns: 40 },
    );
  });

  it("measures the covariance term against the round's change, not against the whole product", () => {
    // A large adapter moved a little: fedit's error is a sizeable fraction of what the round changed, however small
    // a fraction of the product it is.
    const rng = createRng(3);
    const global = randomState(spec, rng, 10);
    const states = [1, 2, 3].map((weight) => ({ state: moved(global, rng, 0.1), weight }));
    const fedit = gapOf(separationGap(spec, global, states, separateMeans(states))).overall;
    expect(fedit).toBeGreaterThan(1e-3);
    expect(fedit).toBeLessThan(0.5);
    // Relative to the whole product the same error would read about 100 times smaller.
    const whole = gapOf(
      separationGap(
        spec,
        {
          modules: spec.modules.map((m) => ({ a: new Float32Array(m.rank * m.k), b: new Float32Array(m.d * m.rank) })),
          dense: [],
        },
        states,
        separateMeans(states),
      ),
    ).overall;
    expect(whole).toBeLessThan(fedit / 20);
  });

  it("is zero when the rule returns the mean product (every client shares A: ffa) and when nothing changed", () => {
    const rng = createRng(4);
    const global = randomState(spec, rng);
    const states = [1, 2, 3].map((weight) => {
      const state = moved(global, rng, 0.05);
      return {
        state: { ...state, modules: state.modules.map((m, i) => ({ a: global.modules[i]?.a ?? m.a, b: m.b })) },
        weight,
      };
    });
    // float32 rounding of mean(B) is all that is left.
    expect(gapOf(separationGap(spec, global, states, separateMeans(states))).overall).toBeLessThan(1e-5);
    const unchanged = [1, 2].map((weight) => ({ state: global, weight }));
    expect(gapOf(separationGap(spec, global, unchanged, global))).toEqual({
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
    const global = randomState(spec, rng);
    const states = [
      { state: randomState(spec, rng), weight: 1 },
      { state: randomState(spec, rng), weight: 1 },
    ];
    const returned = separateMeans(states);
    const full = gapOf(separationGap(spec, global, states, returned));
    const capped = gapOf(separationGap(spec, global, states, returned, 20));
    expect(capped.skipped).toEqual(["mlp"]);
    expect(capped.modules).toEqual([full.modules[0]]);
    expect(capped.overall).toBeCloseTo(full.modules[0]?.gap ?? Number.NaN, 12);
  });

  it("rejects a zero total weight and a malformed state, global or returned adapter", () => {
    const state = randomState(spec, createRng(7));
    const broken = { ...state, modules: [] };
    expect(separationGap(spec, state, [{ state, weight: 0 }], state).ok).toBe(false);
    expect(separationGap(spec, state, [{ state: broken, weight: 1 }], state).ok).toBe(false);
    expect(separationGap(spec, broken, [{ state, weight: 1 }], state).ok).toBe(false);
    expect(separationGap(spec, state, [{ state, weight: 1 }], broken).ok).toBe(false);
  });
});
