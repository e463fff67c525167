import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { denseProduct, frobeniusSquared, randomState, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import type { AdapterUpdate } from "../update/adapter-update";
import { aggregationRule } from "./aggregation-rule";
import { separationGap } from "./separation-gap";
import { updateSeparationGap } from "./update-separation-gap";

const spec: AdapterSpec = { modules: [{ name: "q", d: 6, k: 5, rank: 3 }], dense: [], alpha: 6 };
const { d, k, rank: r } = spec.modules[0] ?? { d: 0, k: 0, rank: 0 };

// A global that has trained for a while (B != 0), so the round's change differs from the whole product.
const global = randomState(spec, createRng(1));
const globalA = global.modules[0]?.a ?? new Float32Array(0);
const globalB = global.modules[0]?.b ?? new Float32Array(0);

function denseUpdate(seed: number): Extract<AdapterUpdate, { kind: "dense" }> {
  const rng = createRng(seed);
  const moved = (x: Float32Array): Float32Array => x.map((v) => v + 0.3 * rng.normal());
  return { kind: "dense", round: 1, modules: [{ a: moved(globalA), b: moved(globalB) }], dense: [] };
}

/** Client `seed` sends ranks `ranks` of a moved adapter. b'_i is column i of B', contiguous. */
function softUpdate(seed: number, ranks: readonly number[]): Extract<AdapterUpdate, { kind: "soft" }> {
  const rng = createRng(seed);
  const a = new Float32Array(ranks.length * k);
  const b = new Float32Array(ranks.length * d);
  ranks.forEach((i, j) => {
    for (let c = 0; c < k; c += 1) a[j * k + c] = (globalA[i * k + c] ?? 0) + 0.3 * rng.normal();
    for (let row = 0; row < d; row += 1) b[j * d + row] = (globalB[row * r + i] ?? 0) + 0.3 * rng.normal();
  });
  return { kind: "soft", round: 1, modules: [{ ranks, a, b }], dense: [] };
}

const productOf = (state: AdapterState): Float64Array =>
  denseProduct(state.modules[0]?.a ?? [], state.modules[0]?.b ?? [], d, k, r);

describe("separation gap of a round's updates", () => {
  it("is 0 when every client sent the same update", () => {
    const update = denseUpdate(2);
    const gap = updateSeparationGap(spec, global, [
      { update, weight: 1 },
      { update, weight: 3 },
    ]);
    expect(gap.ok && gap.value.overall).toBeCloseTo(0, 6);
  });

  it("compares the clients' adapters, weighted by data, with what fedit returns for them", () => {
    const [u1, u2] = [denseUpdate(3), denseUpdate(4)];
    const contributions = [
      { update: u1, weight: 1 },
      { update: u2, weight: 2 },
    ];
    const gap = updateSeparationGap(spec, global, contributions);
    const states = [u1, u2].map((u, n) => ({
      state: { modules: u.modules.map((m) => ({ a: m.a, b: m.b })), dense: [] },
      weight: n + 1,
    }));
    const returned = aggregationRule("fedit").aggregate(spec, global, contributions);
    if (!returned.ok) throw new Error(returned.error.reason);
    const direct = separationGap(spec, global, states, returned.value);
    expect(gap.ok && direct.ok).toBe(true);
    if (gap.ok && direct.ok) {
      expect(gap.value.overall).toBeGreaterThan(0.01);
      expect(gap.value.overall).toBeCloseTo(direct.value.overall, 9);
    }
  });

  it("for soft, compares the mean product with the product of the adapter the soft rule returns", () => {
    // Clients send overlapping rank sets: rank 0 by both, rank 1 by the first, rank 2 by nobody. The soft rule moves
    // rank i by sum over its senders of w_n (a'_{n,i} - a_i) with w_n over all contributors (1/3, 2/3).
    const u1 = softUpdate(5, [0, 1]);
    const u2 = softUpdate(6, [0]);
    const gap = updateSeparationGap(spec, global, [
      { update: u1, weight: 1 },
      { update: u2, weight: 2 },
    ]);
    // Reference in float64: each client's adapter (unsent ranks keep the global's), and the rule's output by formula.
    const clientState = (u: Extract<AdapterUpdate, { kind: "soft" }>): AdapterState => {
      const a = Float64Array.from(globalA);
      const b = Float64Array.from(globalB);
      const m = u.modules[0] ?? { ranks: [], a: new Float32Array(0), b: new Float32Array(0) };
      m.ranks.forEach((i, j) => {
        for (let c = 0; c < k; c += 1) a[i * k + c] = m.a[j * k + c] ?? 0;
        for (let row = 0; row < d; row += 1) b[row * r + i] = m.b[j * d + row] ?? 0;
      });
      return { modules: [{ a: Float32Array.from(a), b: Float32Array.from(b) }], dense: [] };
    };
    const clients = [clientState(u1), clientState(u2)];
    const w = [1 / 3, 2 / 3];
    const sent = [
      [true, true, false],
      [true, false, false],
    ];
    const softA = Float64Array.from(globalA);
    const softB = Float64Array.from(globalB);
    for (let i = 0; i < r; i += 1)
      clients.forEach((state, n) => {
        if (sent[n]?.[i] !== true) return;
        const m = state.modules[0] ?? { a: new Float32Array(0), b: new Float32Array(0) };
        for (let c = 0; c < k; c += 1)
          softA[i * k + c] =
            (softA[i * k + c] ?? 0) + (w[n] ?? 0) * ((m.a[i * k + c] ?? 0) - (globalA[i * k + c] ?? 0));
        for (let row = 0; row < d; row += 1)
          softB[row * r + i] =
            (softB[row * r + i] ?? 0) + (w[n] ?? 0) * ((m.b[row * r + i] ?? 0) - (globalB[row * r + i] ?? 0));
      });
    const ideal = new Float64Array(d * k);
    clients.forEach((state, n) => {
      productOf(state).forEach((v, c) => (ideal[c] = (ideal[c] ?? 0) + (w[n] ?? 0) * v));
    });
    const expected = Math.sqrt(
      frobeniusSquared(subtract(ideal, denseProduct(softA, softB, d, k, r))) /
        frobeniusSquared(subtract(ideal, productOf(global))),
    );
    expect(expected).toBeGreaterThan(0.01);
    expect(gap.ok && gap.value.overall).toBeCloseTo(expected, 5);
  });

  it("is 0 under ffa, whose frozen A makes the mean of B exact", () => {
    const updates = [7, 8, 9].map((seed) => {
      const b = denseUpdate(seed).modules[0]?.b ?? new Float32Array(0);
      const update: AdapterUpdate = { kind: "b-only", round: 1, modules: [{ b }], dense: [] };
      return { update, weight: seed };
    });
    const gap = updateSeparationGap(spec, global, updates);
    expect(gap.ok && gap.value.overall).toBeLessThan(1e-5);
  });

  it("refuses an update that does not fit the spec, naming it, and a round of mixed kinds", () => {
    const bad = { ...denseUpdate(5), modules: [{ a: new Float32Array(2), b: new Float32Array(2) }] };
    const gap = updateSeparationGap(spec, global, [
      { update: denseUpdate(6), weight: 1 },
      { update: bad, weight: 1 },
    ]);
    expect(!gap.ok && gap.error.reason).toMatch(/^update 1:/u);
    const mixed = updateSeparationGap(spec, global, [
      { update: denseUpdate(6), weight: 1 },
      { update: softUpdate(7, [0]), weight: 1 },
    ]);
    expect(!mixed.ok && mixed.error.code).toBe("mixed-kinds");
  });
});
