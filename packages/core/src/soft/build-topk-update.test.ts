import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregationRule } from "../aggregation/aggregation-rule";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { cloneAdapter } from "../lora/clone-adapter";
import { denseProduct, frobeniusSquared, randomState, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import type { Precision } from "../update/adapter-update";
import { buildTopkUpdate, topkElementBytes, type TopkUpdateBuild } from "./build-topk-update";

const spec: AdapterSpec = {
  modules: [
    { name: "q", d: 5, k: 4, rank: 2 },
    { name: "v", d: 3, k: 6, rank: 3 },
  ],
  dense: [{ name: "head.bias", shape: [2] }],
  alpha: 4,
};
const sizeA = 2 * 4 + 3 * 6;
const sizeB = 5 * 2 + 3 * 3;

function built(result: ReturnType<typeof buildTopkUpdate>): TopkUpdateBuild {
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

function serverView(global: AdapterState, update: TopkUpdateBuild["update"]): AdapterState {
  const result = aggregationRule("topk").aggregate(spec, global, [{ update, weight: 1 }]);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

/** |dA| (or |dB|) of every element across modules, flagged kept or not. */
function magnitudes(global: AdapterState, local: AdapterState, build: TopkUpdateBuild, factor: "a" | "b") {
  return spec.modules.flatMap((_, index) => {
    const g = global.modules[index]?.[factor] ?? new Float32Array(0);
    const l = local.modules[index]?.[factor] ?? new Float32Array(0);
    const m = build.update.modules[index];
    const kept = new Set(factor === "a" ? m?.aIndex : m?.bIndex);
    return [...g].map((x, i) => ({ magnitude: Math.abs(Math.fround((l[i] ?? 0) - x)), kept: kept.has(i) }));
  });
}

const scenario = fc.record({
  seed: fc.integer(),
  budget: fc.integer({ min: 0, max: 300 }),
  precision: fc.constantFrom<Precision>("fp16", "fp32"),
});

describe("buildTopkUpdate", () => {
  it("stays within the budget, keeping the largest |dA| and |dB| across modules", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildTopkUpdate(spec, global, local, 3, budget, precision));
        const kept = build.update.modules.reduce((n, m) => n + m.aIndex.length + m.bIndex.length, 0);
        expect(build.bytesUsed).toBe(kept * topkElementBytes(precision));
        expect(build.bytesUsed).toBeLessThanOrEqual(budget);
        expect(build.keptRatio).toBe(kept / (sizeA + sizeB));
        // Nothing fits beyond what was kept (all deltas are nonzero here).
        if (kept < sizeA + sizeB) expect(budget - build.bytesUsed).toBeLessThan(topkElementBytes(precision));
        for (const factor of ["a", "b"] as const) {
          const all = magnitudes(global, local, build, factor);
          const smallestKept = Math.min(...all.filter((x) => x.kept).map((x) => x.magnitude));
          const largestDropped = Math.max(...all.filter((x) => !x.kept).map((x) => x.magnitude));
          expect(smallestKept).toBeGreaterThanOrEqual(largestDropped);
        }
        for (const m of build.update.modules) {
          for (const index of [m.aIndex, m.bIndex])
            expect([...index].every((x, i) => i === 0 || x > (index[i - 1] ?? 0))).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("splits the budget between A and B in proportion to their element counts", () => {
    const rng = createRng(1);
    const build = built(buildTopkUpdate(spec, randomState(spec, rng), randomState(spec, rng), 1, 20 * 6, "fp16"));
    const countA = build.update.modules.reduce((n, m) => n + m.aIndex.length, 0);
    const countB = build.update.modules.reduce((n, m) => n + m.bIndex.length, 0);
    expect(countA).toBe(Math.floor((20 * sizeA) / (sizeA + sizeB)));
    expect(countB).toBe(20 - countA);
  });

  it("passes the share A cannot use (unchanged A, as in ffa) to B", () => {
    const rng = createRng(2);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const frozenA = { ...local, modules: local.modules.map((m, i) => ({ a: global.modules[i]?.a ?? m.a, b: m.b })) };
    const build = built(buildTopkUpdate(spec, global, frozenA, 1, 15 * 8, "fp32"));
    expect(build.update.modules.reduce((n, m) => n + m.aIndex.length, 0)).toBe(0);
    expect(build.update.modules.reduce((n, m) => n + m.bIndex.length, 0)).toBe(15);
  });

  it("passes the share B cannot use (unchanged B) to A", () => {
    const rng = createRng(5);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const frozenB = { ...local, modules: local.modules.map((m, i) => ({ a: m.a, b: global.modules[i]?.b ?? m.b })) };
    const build = built(buildTopkUpdate(spec, global, frozenB, 1, 15 * 8, "fp32"));
    expect(build.update.modules.reduce((n, m) => n + m.aIndex.length, 0)).toBe(15);
    expect(build.update.modules.reduce((n, m) => n + m.bIndex.length, 0)).toBe(0);
  });

  it("breaks ties in magnitude by position and keeps exactly the budget's count", () => {
    const global = randomState(spec, createRng(6));
    for (const m of global.modules) m.a.fill(0.5); // so that 0.5 +- 1 - 0.5 is exactly +-1
    const local = cloneAdapter(global);
    // Every A delta has magnitude 1 (alternating sign); B unchanged.
    for (const m of local.modules)
      for (let i = 0; i < m.a.length; i += 1) m.a[i] = (m.a[i] ?? 0) + (i % 2 === 0 ? 1 : -1);
    const build = built(buildTopkUpdate(spec, global, local, 1, 10 * 8, "fp32"));
    expect([...(build.update.modules[0]?.aIndex ?? [])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...(build.update.modules[1]?.aIndex ?? [])]).toEqual([0, 1]);
  });

  it("sends deltas the server adds back, and reports the exact share of ||B'A' - BA||^2 it loses", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildTopkUpdate(spec, global, local, 3, budget, precision));
        const server = serverView(global, build.update);
        let lost = 0;
        let total = 0;
        for (const [index, m] of spec.modules.entries()) {
          const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
          const l = local.modules[index] ?? g;
          const s = server.modules[index] ?? g;
          const target = denseProduct(l.a, l.b, m.d, m.k, m.rank);
          lost += frobeniusSquared(subtract(target, denseProduct(s.a, s.b, m.d, m.k, m.rank)));
          total += frobeniusSquared(subtract(target, denseProduct(g.a, g.b, m.d, m.k, m.rank)));
        }
        expect(build.energyLost).toBeCloseTo(lost / total, 9);
      }),
      { numRuns: 40 },
    );
  });

  it("with room for every element, the server recovers the local state", () => {
    const rng = createRng(3);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const build = built(buildTopkUpdate(spec, global, local, 1, 1e9, "fp32"));
    expect(build.keptRatio).toBe(1);
    // Not exactly 0: global + float32(local - global) rounds back to local only up to one ulp.
    expect(build.energyLost).toBeLessThan(1e-12);
    const server = serverView(global, build.update);
    for (const [index, m] of server.modules.entries()) {
      for (const factor of ["a", "b"] as const) {
        const want = local.modules[index]?.[factor] ?? new Float32Array(0);
        for (const [i, x] of m[factor].entries()) expect(x).toBeCloseTo(want[i] ?? Number.NaN, 6);
      }
    }
  });

  it("rejects a non-finite local state", () => {
    const rng = createRng(4);
    const global = randomState(spec, rng);
    const local = cloneAdapter(global);
    local.dense[0]?.fill(Number.NaN);
    const result = buildTopkUpdate(spec, global, local, 1, 100, "fp16");
    expect(result.ok ? "" : result.error.code).toBe("non-finite");
  });
});
