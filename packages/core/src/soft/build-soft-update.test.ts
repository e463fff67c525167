import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregationRule } from "../aggregation/aggregation-rule";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { cloneAdapter, zeroAdapter } from "../lora/clone-adapter";
import { denseProduct, frobeniusSquared, randomState, rankOneProduct, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import type { Precision } from "../update/adapter-update";
import { buildSoftUpdate, type SoftUpdateBuild } from "./build-soft-update";
import { componentBytes } from "./component-bytes";
import { energyLost } from "./energy-lost";

const spec: AdapterSpec = {
  modules: [
    { name: "h.0.attn.q", d: 6, k: 6, rank: 3 },
    { name: "h.0.mlp.fc", d: 10, k: 4, rank: 4 },
  ],
  dense: [{ name: "head.weight", shape: [2, 4] }],
  alpha: 8,
};

function built(result: ReturnType<typeof buildSoftUpdate>): SoftUpdateBuild {
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

/** What the server reconstructs from one soft update: the global with the sent components replaced. */
function serverView(global: AdapterState, update: SoftUpdateBuild["update"]): AdapterState {
  const result = aggregationRule("soft").aggregate(spec, global, [{ update, weight: 1 }]);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

const scenario = fc.record({
  seed: fc.integer(),
  budget: fc.integer({ min: 0, max: 600 }),
  precision: fc.constantFrom<Precision>("fp16", "fp32"),
});

describe("buildSoftUpdate", () => {
  it("stays within the component budget and sends whole local components, ranks increasing", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildSoftUpdate(spec, global, local, 7, budget, precision));
        const { update } = build;
        expect(update.kind).toBe("soft");
        expect(update.round).toBe(7);
        expect(update.dense).toEqual(local.dense);
        let bytes = 0;
        let kept = 0;
        for (const [index, m] of spec.modules.entries()) {
          const sent = update.modules[index] ?? { ranks: [], a: new Float32Array(0), b: new Float32Array(0) };
          const l = local.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
          expect([...sent.ranks].sort((x, y) => x - y)).toEqual(sent.ranks);
          expect(new Set(sent.ranks).size).toBe(sent.ranks.length);
          for (const [slot, i] of sent.ranks.entries()) {
            expect(sent.a.subarray(slot * m.k, (slot + 1) * m.k)).toEqual(l.a.subarray(i * m.k, (i + 1) * m.k));
            for (let row = 0; row < m.d; row += 1) expect(sent.b[slot * m.d + row]).toBe(l.b[row * m.rank + i]);
          }
          bytes += sent.ranks.length * componentBytes(m, precision);
          kept += sent.ranks.length;
        }
        expect(build.bytesUsed).toBe(bytes);
        expect(bytes).toBeLessThanOrEqual(budget);
        expect(build.keptRatio).toBe(kept / 7);
      }),
      { numRuns: 30 },
    );
  });

  it("reports E from the importance and the exact loss of the product change", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildSoftUpdate(spec, global, local, 1, budget, precision));
        const kept = spec.modules.flatMap((m, index) =>
          Array.from({ length: m.rank }, (_, i) => build.update.modules[index]?.ranks.includes(i) === true),
        );
        const flat = build.importance.flatMap((s2) => [...s2]);
        expect(build.energyLost).toBe(energyLost(flat, kept));
        let lost = 0;
        let total = 0;
        for (const [index, m] of spec.modules.entries()) {
          const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
          const l = local.modules[index] ?? g;
          total += frobeniusSquared(
            subtract(denseProduct(l.a, l.b, m.d, m.k, m.rank), denseProduct(g.a, g.b, m.d, m.k, m.rank)),
          );
          const dropped = new Float64Array(m.d * m.k);
          for (let i = 0; i < m.rank; i += 1) {
            if (build.update.modules[index]?.ranks.includes(i) === true) continue;
            const change = subtract(
              rankOneProduct(l.a, l.b, m.d, m.k, m.rank, i),
              rankOneProduct(g.a, g.b, m.d, m.k, m.rank, i),
            );
            for (let c = 0; c < dropped.length; c += 1) dropped[c] = (dropped[c] ?? 0) + (change[c] ?? 0);
          }
          lost += frobeniusSquared(dropped);
        }
        expect(build.energyLostExact).toBeCloseTo(lost / total, 9);
      }),
      { numRuns: 40 },
    );
  });

  it("with room for every component, the server recovers the local state exactly", () => {
    const rng = createRng(2);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const build = built(buildSoftUpdate(spec, global, local, 1, 1e9, "fp32"));
    expect(build.keptRatio).toBe(1);
    expect(build.energyLost).toBe(0);
    expect(build.energyLostExact).toBe(0);
    expect(serverView(global, build.update)).toEqual(local);
    expect(build.residual).toEqual(zeroAdapter(spec));
  });

  it("sends nothing with a zero budget and loses all the energy", () => {
    const rng = createRng(3);
    const build = built(buildSoftUpdate(spec, randomState(spec, rng), randomState(spec, rng), 1, 0, "fp16"));
    expect(build.update.modules.map((m) => m.ranks)).toEqual([[], []]);
    expect([build.keptRatio, build.energyLost, build.energyLostExact]).toEqual([0, 1, 1]);
  });

  it("keeps exactly the dropped components' change as residual: sent state + residual = local", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildSoftUpdate(spec, global, local, 1, budget, precision));
        const server = serverView(global, build.update);
        for (const [index, m] of server.modules.entries()) {
          const res = build.residual.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
          const l = local.modules[index] ?? m;
          for (let c = 0; c < m.a.length; c += 1)
            expect(Math.fround((m.a[c] ?? 0) + (res.a[c] ?? 0))).toBeCloseTo(l.a[c] ?? 0, 5);
          for (let c = 0; c < m.b.length; c += 1)
            expect(Math.fround((m.b[c] ?? 0) + (res.b[c] ?? 0))).toBeCloseTo(l.b[c] ?? 0, 5);
          const k = spec.modules[index]?.k ?? 0;
          for (const i of build.update.modules[index]?.ranks ?? []) {
            expect(res.a.subarray(i * k, (i + 1) * k).every((x) => x === 0)).toBe(true);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("with error feedback, a component dropped in one round is sent with its change in the next", () => {
    const rng = createRng(4);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    // Round 1: room for one component of the first module only.
    const q = spec.modules[0] ?? { name: "", d: 0, k: 0, rank: 0 };
    const first = built(buildSoftUpdate(spec, global, local, 1, componentBytes(q, "fp32"), "fp32"));
    expect(first.update.modules.flatMap((m) => m.ranks)).toHaveLength(1);
    // Round 2: no new local training (local = global), plenty of room; the residual alone carries the rest.
    const next = serverView(global, first.update);
    const second = built(buildSoftUpdate(spec, next, cloneAdapter(next), 2, 1e9, "fp32", first.residual));
    const merged = serverView(next, second.update);
    for (const [index, m] of merged.modules.entries()) {
      for (let c = 0; c < m.a.length; c += 1) expect(m.a[c]).toBeCloseTo(local.modules[index]?.a[c] ?? Number.NaN, 5);
      for (let c = 0; c < m.b.length; c += 1) expect(m.b[c]).toBeCloseTo(local.modules[index]?.b[c] ?? Number.NaN, 5);
    }
    expect(second.residual).toEqual(zeroAdapter(spec));
    // Without the residual, round 2 has nothing to send.
    const forgetful = built(buildSoftUpdate(spec, next, cloneAdapter(next), 2, 1e9, "fp32"));
    expect(forgetful.update.modules.flatMap((m) => m.ranks)).toEqual([]);
  });

  it("rejects a non-finite local state and a misshapen residual", () => {
    const rng = createRng(5);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const nan = cloneAdapter(local);
    nan.modules[0]?.a.fill(Number.NaN, 3, 4);
    const bad = buildSoftUpdate(spec, global, nan, 1, 100, "fp16");
    expect(bad.ok ? "" : bad.error.code).toBe("non-finite");
    const residual = { ...zeroAdapter(spec), modules: [] };
    const badResidual = buildSoftUpdate(spec, global, local, 1, 100, "fp16", residual);
    expect(badResidual.ok ? "" : badResidual.error.code).toBe("shape-mismatch");
  });
});
