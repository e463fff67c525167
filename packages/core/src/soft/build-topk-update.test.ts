import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregationRule } from "../aggregation/aggregation-rule";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { cloneAdapter } from "../lora/clone-adapter";
import { denseProduct, frobeniusSquared, randomState, subtract } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import type { Precision } from "../update/adapter-update";
import { topkPositionEncoding } from "../update/topk-positions";
import { buildTopkUpdate, type TopkUpdateBuild } from "./build-topk-update";
import { bytesPerValue } from "./component-bytes";

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

const count = (build: TopkUpdateBuild, factor: "a" | "b"): number =>
  build.update.modules.reduce((n, m) => n + (factor === "a" ? m.aIndex : m.bIndex).length, 0);

/** Position bytes of an update as the codec writes them, each factor on its own. */
function positionBytesOf(update: TopkUpdateBuild["update"]): number {
  return spec.modules.reduce((sum, m, index) => {
    const u = update.modules[index];
    const a = topkPositionEncoding(m.rank * m.k, u?.aIndex ?? []).bytes;
    return sum + a + topkPositionEncoding(m.d * m.rank, u?.bIndex ?? []).bytes;
  }, 0);
}

/**
 * Brute force: for every total t, the top floor(t sizeA / size) |dA| and the rest |dB| (by the split rule), sized
 * with bitmask-or-gaps per factor; the largest t that fits the budget.
 */
function referenceKept(global: AdapterState, local: AdapterState, budget: number, precision: Precision): number {
  const ranked = (factor: "a" | "b") =>
    spec.modules
      .flatMap((_, index) => {
        const g = global.modules[index]?.[factor] ?? new Float32Array(0);
        const l = local.modules[index]?.[factor] ?? new Float32Array(0);
        return [...g].map((x, i) => ({ index, i, magnitude: Math.abs(Math.fround((l[i] ?? 0) - x)) }));
      })
      .filter((e) => e.magnitude > 0)
      .sort((x, y) => y.magnitude - x.magnitude || x.index - y.index || x.i - y.i);
  const a = ranked("a");
  const b = ranked("b");
  const sizeOf = (kept: { index: number; i: number }[], factor: "a" | "b") =>
    spec.modules.reduce((sum, m, index) => {
      const positions = kept
        .filter((e) => e.index === index)
        .map((e) => e.i)
        .sort((x, y) => x - y);
      return sum + topkPositionEncoding(factor === "a" ? m.rank * m.k : m.d * m.rank, positions).bytes;
    }, 0);
  let best = 0;
  for (let t = 0; t <= a.length + b.length; t += 1) {
    let countA = Math.min(Math.floor((t * sizeA) / (sizeA + sizeB)), a.length);
    const countB = Math.min(t - countA, b.length);
    countA = Math.min(t - countB, a.length);
    const bytes = sizeOf(a.slice(0, countA), "a") + sizeOf(b.slice(0, countB), "b") + t * bytesPerValue(precision);
    if (bytes <= budget) best = t;
  }
  return best;
}

describe("buildTopkUpdate", () => {
  it("keeps the most elements whose positions (bitmask or gaps) and values fit, the largest |dA| and |dB|", () => {
    fc.assert(
      fc.property(scenario, ({ seed, budget, precision }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const build = built(buildTopkUpdate(spec, global, local, 3, budget, precision));
        const kept = count(build, "a") + count(build, "b");
        expect(build.bytesUsed).toBe(positionBytesOf(build.update) + kept * bytesPerValue(precision));
        expect(build.bytesUsed).toBeLessThanOrEqual(budget);
        expect(build.keptRatio).toBe(kept / (sizeA + sizeB));
        expect(kept).toBe(referenceKept(global, local, budget, precision));
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

  it("pays a byte per position while the gap list is smaller, then a bitmask: far more values than u32 indices", () => {
    const wide: AdapterSpec = { modules: [{ name: "q", d: 64, k: 64, rank: 8 }], dense: [], alpha: 16 };
    const rng = createRng(9);
    const global = randomState(wide, rng);
    const local = randomState(wide, rng);
    const keptAt = (budget: number) => {
      const build = built(buildTopkUpdate(wide, global, local, 1, budget, "fp16"));
      return build.update.modules.reduce((n, m) => n + m.aIndex.length + m.bIndex.length, 0);
    };
    // 512 + 512 elements: a bitmask is 64 bytes per factor. Gaps of a few elements cost 1 byte each: 3 B per element
    // (u32 indices would take 6) until a factor's gap list outgrows its bitmask at 64 kept elements.
    expect(keptAt(300)).toBe(100);
    expect(keptAt(3 * 128)).toBe(128);
    // Then bitmasks (128 B for both) and 2 B per value: 1,024 elements fit in 128 + 2,048 bytes, not in one less.
    expect(keptAt(128 + 2 * 1024)).toBe(1024);
    expect(keptAt(128 + 2 * 1024 - 1)).toBe(1023);
    expect(keptAt(128 + 2 * 600)).toBe(600);
  });

  it("splits the kept elements between A and B in proportion to their element counts", () => {
    const rng = createRng(1);
    const build = built(buildTopkUpdate(spec, randomState(spec, rng), randomState(spec, rng), 1, 20 * 3, "fp16"));
    const kept = count(build, "a") + count(build, "b");
    expect(kept).toBeGreaterThan(10);
    expect(count(build, "a")).toBe(Math.floor((kept * sizeA) / (sizeA + sizeB)));
  });

  it("passes the share A cannot use (unchanged A, as in ffa) to B", () => {
    const rng = createRng(2);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const frozenA = { ...local, modules: local.modules.map((m, i) => ({ a: global.modules[i]?.a ?? m.a, b: m.b })) };
    // 15 values and at most 2 + 2 bytes of positions (q's 10-element B and v's 9-element B: 2-byte bitmasks).
    const build = built(buildTopkUpdate(spec, global, frozenA, 1, 15 * 4 + 4, "fp32"));
    expect(count(build, "a")).toBe(0);
    expect(count(build, "b")).toBe(15);
  });

  it("passes the share B cannot use (unchanged B) to A", () => {
    const rng = createRng(5);
    const global = randomState(spec, rng);
    const local = randomState(spec, rng);
    const frozenB = { ...local, modules: local.modules.map((m, i) => ({ a: m.a, b: global.modules[i]?.b ?? m.b })) };
    const build = built(buildTopkUpdate(spec, global, frozenB, 1, 15 * 4 + 4, "fp32"));
    expect(count(build, "a")).toBe(15);
    expect(count(build, "b")).toBe(0);
  });

  it("breaks ties in magnitude by position and keeps exactly the budget's count", () => {
    const global = randomState(spec, createRng(6));
    for (const m of global.modules) m.a.fill(0.5); // so that 0.5 +- 1 - 0.5 is exactly +-1
    const local = cloneAdapter(global);
    // Every A delta has magnitude 1 (alternating sign); B unchanged.
    for (const m of local.modules)
      for (let i = 0; i < m.a.length; i += 1) m.a[i] = (m.a[i] ?? 0) + (i % 2 === 0 ? 1 : -1);
    // 10 values, module q's 8 A positions as a 1-byte bitmask, v's two as 2 gap bytes: 43 bytes (11 would take 48).
    const build = built(buildTopkUpdate(spec, global, local, 1, 10 * 4 + 3, "fp32"));
    expect([...(build.update.modules[0]?.aIndex ?? [])]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...(build.update.modules[1]?.aIndex ?? [])]).toEqual([0, 1]);
    expect(build.bytesUsed).toBe(43);
    expect(count(built(buildTopkUpdate(spec, global, local, 1, 47, "fp32")), "a")).toBe(10);
    expect(count(built(buildTopkUpdate(spec, global, local, 1, 48, "fp32")), "a")).toBe(11);
  });

  it("error feedback: the residual holds exactly the deltas not sent, and sent + residual is the whole change", () => {
    fc.assert(
      fc.property(scenario, fc.boolean(), ({ seed, budget, precision }, withIncoming) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        const incoming = withIncoming ? randomState(spec, rng, 0.5) : undefined;
        const build = built(buildTopkUpdate(spec, global, local, 3, budget, precision, incoming));
        for (const [index, m] of build.update.modules.entries()) {
          for (const factor of ["a", "b"] as const) {
            const g = global.modules[index]?.[factor] ?? new Float32Array(0);
            const l = local.modules[index]?.[factor] ?? new Float32Array(0);
            const r = incoming?.modules[index]?.[factor];
            const res = build.residual.modules[index]?.[factor] ?? new Float32Array(0);
            const sent = new Float32Array(g.length);
            const [positions, values] = factor === "a" ? [m.aIndex, m.aDelta] : [m.bIndex, m.bDelta];
            positions.forEach((p, j) => (sent[p] = values[j] ?? 0));
            for (let i = 0; i < g.length; i += 1) {
              const change = Math.fround(Math.fround((l[i] ?? 0) + (r?.[i] ?? 0)) - (g[i] ?? 0));
              expect(positions.includes(i) ? res[i] : sent[i]).toBe(0);
              expect((sent[i] ?? 0) + (res[i] ?? 0)).toBe(change);
            }
          }
        }
        expect(build.residual.dense.every((t) => t.every((x) => x === 0))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("error feedback: an element left out competes again next round with its accumulated change", () => {
    const one: AdapterSpec = { modules: [{ name: "q", d: 1, k: 2, rank: 1 }], dense: [], alpha: 1 };
    const global = { modules: [{ a: Float32Array.from([0, 0]), b: Float32Array.from([0]) }], dense: [] };
    const round1 = { modules: [{ a: Float32Array.from([1, 0.875]), b: Float32Array.from([0]) }], dense: [] };
    const round2 = { modules: [{ a: Float32Array.from([0.5, 0.5]), b: Float32Array.from([0]) }], dense: [] };
    // One value and its 1-byte position fit (fp32: 5 bytes).
    const first = built(buildTopkUpdate(one, global, round1, 1, 5, "fp32"));
    expect([...(first.update.modules[0]?.aIndex ?? [])]).toEqual([0]);
    expect([...(first.residual.modules[0]?.a ?? [])]).toEqual([0, 0.875]);
    const withFeedback = built(buildTopkUpdate(one, global, round2, 2, 5, "fp32", first.residual));
    expect([...(withFeedback.update.modules[0]?.aIndex ?? [])]).toEqual([1]);
    expect([...(withFeedback.update.modules[0]?.aDelta ?? [])]).toEqual([1.375]);
    expect([...(withFeedback.residual.modules[0]?.a ?? [])]).toEqual([0.5, 0]);
    const without = built(buildTopkUpdate(one, global, round2, 2, 5, "fp32"));
    expect([...(without.update.modules[0]?.aIndex ?? [])]).toEqual([0]);
  });

  it("refuses a residual that does not fit the spec", () => {
    const rng = createRng(8);
    const global = randomState(spec, rng);
    const bad = { ...global, modules: global.modules.slice(0, 1) };
    const result = buildTopkUpdate(spec, global, randomState(spec, rng), 1, 100, "fp16", bad);
    expect(result.ok ? "" : result.error.reason).toMatch(/^residual: /u);
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
