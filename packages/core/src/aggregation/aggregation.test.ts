import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { cloneAdapter } from "../lora/clone-adapter";
import { denseProduct, randomState } from "../lora/test-fixtures";
import { createRng, type Rng } from "../random/rng";
import type { AdapterUpdate, SoftModuleUpdate } from "../update/adapter-update";
import { aggregationRule, type Contribution } from "./aggregation-rule";
import { AGGREGATION_RULES, UPDATE_KIND_OF_RULE } from "../update/adapter-update";
import { checkUpdate } from "./check-update";

const spec: AdapterSpec = {
  modules: [
    { name: "h.0.attn.q", d: 5, k: 4, rank: 3 },
    { name: "h.0.attn.v", d: 3, k: 6, rank: 2 },
  ],
  dense: [{ name: "head.weight", shape: [2, 3] }],
  alpha: 8,
};

function denseUpdate(state: AdapterState, round = 1): AdapterUpdate {
  return { kind: "dense", round, modules: state.modules.map((m) => ({ a: m.a, b: m.b })), dense: state.dense };
}

function bOnlyUpdate(state: AdapterState): AdapterUpdate {
  return { kind: "b-only", round: 1, modules: state.modules.map((m) => ({ b: m.b })), dense: state.dense };
}

/** A soft update sending `ranks[m]` of module m from `state`. */
function softUpdate(state: AdapterState, ranks: readonly (readonly number[])[]): AdapterUpdate {
  const modules = spec.modules.map((m, index): SoftModuleUpdate => {
    const values = state.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
    const kept = [...(ranks[index] ?? [])];
    const a = new Float32Array(kept.length * m.k);
    const b = new Float32Array(kept.length * m.d);
    for (const [slot, i] of kept.entries()) {
      a.set(values.a.subarray(i * m.k, (i + 1) * m.k), slot * m.k);
      for (let row = 0; row < m.d; row += 1) b[slot * m.d + row] = values.b[row * m.rank + i] ?? 0;
    }
    return { ranks: kept, a, b };
  });
  return { kind: "soft", round: 1, modules, dense: state.dense };
}

/** A topk update sending every element of `state` as a delta. */
function topkUpdate(state: AdapterState): AdapterUpdate {
  const all = (n: number) => Uint32Array.from({ length: n }, (_, i) => i);
  const modules = state.modules.map((m) => ({
    aIndex: all(m.a.length),
    aDelta: m.a,
    bIndex: all(m.b.length),
    bDelta: m.b,
  }));
  return { kind: "topk", round: 1, modules, dense: state.dense };
}

/** A topk update that changes no factor, only carries `state`'s head. */
function headOnlyTopk(state: AdapterState): AdapterUpdate {
  const none = {
    aIndex: new Uint32Array(0),
    aDelta: new Float32Array(0),
    bIndex: new Uint32Array(0),
    bDelta: new Float32Array(0),
  };
  return { kind: "topk", round: 1, modules: spec.modules.map(() => ({ ...none })), dense: state.dense };
}

function randomRanks(rng: Rng): number[][] {
  return spec.modules.map((m) => Array.from({ length: m.rank }, (_, i) => i).filter(() => rng.next() < 0.5));
}

function weightsOf(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => 0.1 + rng.next() * 10);
}

function expectClose(actual: AdapterState, expected: AdapterState, relative: number): void {
  const flat = (s: AdapterState) => [...s.modules.flatMap((m) => [...m.a, ...m.b]), ...s.dense.flatMap((t) => [...t])];
  const x = flat(actual);
  const y = flat(expected);
  expect(x.length).toBe(y.length);
  for (const [i, value] of x.entries()) {
    expect(Math.abs(value - (y[i] ?? 0))).toBeLessThanOrEqual(relative * (Math.abs(y[i] ?? 0) + 1e-3));
  }
}

function run(
  name: "soft" | "fedit" | "ffa" | "topk",
  global: AdapterState,
  contributions: Contribution[],
): AdapterState {
  const result = aggregationRule(name).aggregate(spec, global, contributions);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

const scenario = fc.record({ seed: fc.integer(), clients: fc.integer({ min: 1, max: 4 }) });

describe("aggregation rules", () => {
  it("ffa is exact: B_new A equals the weighted mean of B'_n A", () => {
    fc.assert(
      fc.property(scenario, ({ seed, clients }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const locals = Array.from({ length: clients }, () => randomState(spec, rng));
        const weights = weightsOf(rng, clients);
        const total = weights.reduce((s, w) => s + w, 0);
        const result = run(
          "ffa",
          global,
          locals.map((l, n) => ({ update: bOnlyUpdate(l), weight: weights[n] ?? 0 })),
        );
        for (const [index, m] of spec.modules.entries()) {
          const a = global.modules[index]?.a ?? new Float32Array(0);
          expect(result.modules[index]?.a).toEqual(a);
          const exact = new Float64Array(m.d * m.k);
          for (const [n, local] of locals.entries()) {
            const product = denseProduct(a, local.modules[index]?.b ?? [], m.d, m.k, m.rank);
            for (let c = 0; c < exact.length; c += 1)
              exact[c] = (exact[c] ?? 0) + ((weights[n] ?? 0) / total) * (product[c] ?? 0);
          }
          const got = denseProduct(a, result.modules[index]?.b ?? [], m.d, m.k, m.rank);
          for (let c = 0; c < exact.length; c += 1)
            expect(Math.abs((got[c] ?? 0) - (exact[c] ?? 0))).toBeLessThan(1e-5);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("soft with every rank kept equals fedit bit for bit", () => {
    fc.assert(
      fc.property(scenario, ({ seed, clients }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const locals = Array.from({ length: clients }, () => randomState(spec, rng));
        const weights = weightsOf(rng, clients);
        const all = spec.modules.map((m) => Array.from({ length: m.rank }, (_, i) => i));
        const soft = run(
          "soft",
          global,
          locals.map((l, n) => ({ update: softUpdate(l, all), weight: weights[n] ?? 0 })),
        );
        const fedit = run(
          "fedit",
          global,
          locals.map((l, n) => ({ update: denseUpdate(l), weight: weights[n] ?? 0 })),
        );
        expect(soft).toEqual(fedit);
      }),
      { numRuns: 50 },
    );
  });

  it("soft moves each rank by the weighted change of the clients that sent it and leaves unsent ranks unchanged", () => {
    fc.assert(
      fc.property(scenario, ({ seed, clients }) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const locals = Array.from({ length: clients }, () => randomState(spec, rng));
        const sent = locals.map(() => randomRanks(rng));
        const weights = weightsOf(rng, clients);
        const total = weights.reduce((s, w) => s + w, 0);
        const result = run(
          "soft",
          global,
          locals.map((l, n) => ({ update: softUpdate(l, sent[n] ?? []), weight: weights[n] ?? 0 })),
        );
        for (const [index, m] of spec.modules.entries()) {
          const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
          for (let i = 0; i < m.rank; i += 1) {
            const senders = locals.flatMap((l, n) =>
              sent[n]?.[index]?.includes(i) === true ? [{ l, w: (weights[n] ?? 0) / total }] : [],
            );
            const check = (actual: number, before: number, pick: (s: AdapterState) => number): void => {
              if (senders.length === 0) expect(actual).toBe(before);
              else {
                const expected = before + senders.reduce((sum, { l, w }) => sum + w * (pick(l) - before), 0);
                expect(Math.abs(actual - expected)).toBeLessThanOrEqual(
                  1e-6 * (Math.abs(expected) + Math.abs(before)) + 1e-12,
                );
              }
            };
            for (let c = 0; c < m.k; c += 1) {
              const at = i * m.k + c;
              check(result.modules[index]?.a[at] ?? Number.NaN, g.a[at] ?? 0, (s) => s.modules[index]?.a[at] ?? 0);
            }
            for (let row = 0; row < m.d; row += 1) {
              const at = row * m.rank + i;
              check(result.modules[index]?.b[at] ?? Number.NaN, g.b[at] ?? 0, (s) => s.modules[index]?.b[at] ?? 0);
            }
          }
        }
      }),
      { numRuns: 80 },
    );
  });

  it("topk adds the weighted sum of the sparse deltas to the global", () => {
    const rng = createRng(11);
    const global = randomState(spec, rng);
    const update = (aIndex: number[], bIndex: number[]): AdapterUpdate => ({
      kind: "topk",
      round: 1,
      modules: spec.modules.map(() => ({
        aIndex: Uint32Array.from(aIndex),
        aDelta: Float32Array.from(aIndex, () => 1),
        bIndex: Uint32Array.from(bIndex),
        bDelta: Float32Array.from(bIndex, () => -2),
      })),
      dense: global.dense,
    });
    const result = run("topk", global, [
      { update: update([0, 3], [1]), weight: 1 },
      { update: update([3], []), weight: 3 },
    ]);
    const g = global.modules[0] ?? { a: new Float32Array(0), b: new Float32Array(0) };
    expect(result.modules[0]?.a[0]).toBe(Math.fround((g.a[0] ?? 0) + 0.25));
    expect(result.modules[0]?.a[3]).toBe(Math.fround((g.a[3] ?? 0) + 1));
    expect(result.modules[0]?.a[1]).toBe(g.a[1]);
    expect(result.modules[0]?.b[1]).toBe(Math.fround((g.b[1] ?? 0) - 0.5));
    expect(result.dense).toEqual(global.dense);
  });

  it("averages the dense head with the data weights under every rule", () => {
    // Two contributors whose heads are all 1 and all 4, weights 3 and 1: the weighted mean is 1.75 everywhere
    // (an unweighted mean would give 2.5). Every rule sends the head as new values.
    const rng = createRng(41);
    const global = randomState(spec, rng);
    const withHead = (fill: number): AdapterState => ({
      ...cloneAdapter(global),
      dense: global.dense.map((t) => new Float32Array(t.length).fill(fill)),
    });
    const updateFor = (rule: (typeof AGGREGATION_RULES)[number], state: AdapterState): AdapterUpdate => {
      switch (rule) {
        case "fedit":
          return denseUpdate(state);
        case "ffa":
          return bOnlyUpdate(state);
        case "soft":
          return softUpdate(state, [[], []]);
        case "topk":
          return headOnlyTopk(state);
      }
    };
    for (const rule of AGGREGATION_RULES) {
      const result = aggregationRule(rule).aggregate(spec, global, [
        { update: updateFor(rule, withHead(1)), weight: 3 },
        { update: updateFor(rule, withHead(4)), weight: 1 },
      ]);
      if (!result.ok) throw new Error(result.error.reason);
      for (const tensor of result.value.dense) for (const x of tensor) expect(x).toBeCloseTo(1.75, 6);
    }
  });

  it("returns the single contributor's state, whatever its weight", () => {
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (seed, weight) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const local = randomState(spec, rng);
        expect(run("fedit", global, [{ update: denseUpdate(local), weight }])).toEqual(local);
        const ffa = run("ffa", global, [{ update: bOnlyUpdate(local), weight }]);
        expect(ffa).toEqual({
          modules: local.modules.map((m, i) => ({ a: global.modules[i]?.a, b: m.b })),
          dense: local.dense,
        });
        // soft: the sent ranks take the local values, the others keep the global's.
        const ranks = randomRanks(rng);
        const expected = cloneAdapter(global);
        for (const [index, m] of spec.modules.entries()) {
          const target = expected.modules[index];
          const source = local.modules[index];
          if (target === undefined || source === undefined) continue;
          for (const i of ranks[index] ?? []) {
            target.a.set(source.a.subarray(i * m.k, (i + 1) * m.k), i * m.k);
            for (let row = 0; row < m.d; row += 1) target.b[row * m.rank + i] = source.b[row * m.rank + i] ?? 0;
          }
        }
        expect(run("soft", global, [{ update: softUpdate(local, ranks), weight }])).toEqual({
          ...expected,
          dense: local.dense,
        });
      }),
      { numRuns: 50 },
    );
  });

  it("normalises weights: scaling every weight leaves the result unchanged", () => {
    fc.assert(
      fc.property(scenario, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), ({ seed, clients }, scale) => {
        const rng = createRng(seed);
        const global = randomState(spec, rng);
        const locals = Array.from({ length: clients }, () => randomState(spec, rng));
        const sent = locals.map(() => randomRanks(rng));
        const weights = weightsOf(rng, clients);
        const updates = {
          soft: locals.map((l, n) => softUpdate(l, sent[n] ?? [])),
          fedit: locals.map((l) => denseUpdate(l)),
          ffa: locals.map((l) => bOnlyUpdate(l)),
        };
        for (const name of ["soft", "fedit", "ffa"] as const) {
          const base = run(
            name,
            global,
            updates[name].map((update, n) => ({ update, weight: weights[n] ?? 0 })),
          );
          const scaled = run(
            name,
            global,
            updates[name].map((update, n) => ({ update, weight: (weights[n] ?? 0) * scale })),
          );
          expectClose(scaled, base, 1e-6);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("returns fresh arrays: writing to the result never changes the global", () => {
    const rng = createRng(3);
    const global = randomState(spec, rng);
    const before = cloneAdapter(global);
    for (const name of AGGREGATION_RULES) {
      const update: AdapterUpdate =
        name === "soft"
          ? softUpdate(global, [[], []])
          : name === "ffa"
            ? bOnlyUpdate(global)
            : name === "topk"
              ? headOnlyTopk(global)
              : denseUpdate(global);
      const result = run(name, global, [{ update, weight: 1 }]);
      for (const m of result.modules) {
        m.a.fill(9);
        m.b.fill(9);
      }
      expect(global).toEqual(before);
      expect(aggregationRule(name).name).toBe(name);
    }
  });
});

describe("aggregation errors", () => {
  const rng = createRng(5);
  const global = randomState(spec, rng);
  const local = randomState(spec, rng);
  const codeOf = (
    name: "soft" | "fedit" | "ffa" | "topk",
    contributions: Contribution[],
    g: AdapterState = global,
  ): string => {
    const result = aggregationRule(name).aggregate(spec, g, contributions);
    return result.ok ? "ok" : result.error.code;
  };

  it("rejects an update of the wrong kind for the rule", () => {
    expect(codeOf("soft", [{ update: denseUpdate(local), weight: 1 }])).toBe("wrong-kind");
    expect(codeOf("ffa", [{ update: denseUpdate(local), weight: 1 }])).toBe("wrong-kind");
    expect(codeOf("fedit", [{ update: bOnlyUpdate(local), weight: 1 }])).toBe("wrong-kind");
  });

  it("rejects zero, negative, non-finite and missing weights", () => {
    expect(codeOf("fedit", [])).toBe("bad-weight");
    expect(codeOf("fedit", [{ update: denseUpdate(local), weight: 0 }])).toBe("bad-weight");
    expect(
      codeOf("fedit", [
        { update: denseUpdate(local), weight: 2 },
        { update: denseUpdate(local), weight: -1 },
      ]),
    ).toBe("bad-weight");
    expect(codeOf("fedit", [{ update: denseUpdate(local), weight: Number.NaN }])).toBe("bad-weight");
    expect(
      codeOf("fedit", [
        { update: denseUpdate(local), weight: 0 },
        { update: denseUpdate(local), weight: 1 },
      ]),
    ).toBe("ok");
  });

  it("rejects wrong lengths, non-finite values and a malformed global", () => {
    const short = cloneAdapter(local);
    expect(codeOf("fedit", [{ update: { ...denseUpdate(short), dense: [new Float32Array(5)] }, weight: 1 }])).toBe(
      "shape-mismatch",
    );
    expect(codeOf("fedit", [{ update: { ...denseUpdate(short), modules: [] }, weight: 1 }])).toBe("shape-mismatch");
    const nan = cloneAdapter(local);
    nan.modules[1]?.b.fill(Number.NaN, 0, 1);
    expect(codeOf("ffa", [{ update: bOnlyUpdate(nan), weight: 1 }])).toBe("non-finite");
    const badGlobal = cloneAdapter(global);
    badGlobal.modules[0]?.a.fill(Number.POSITIVE_INFINITY);
    expect(codeOf("fedit", [{ update: denseUpdate(local), weight: 1 }], badGlobal)).toBe("non-finite");
  });

  it("refuses a NaN or Infinity anywhere in any contribution, even one of weight 0, naming it as checkUpdate does", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.constantFrom(...AGGREGATION_RULES),
        fc.nat(),
        fc.nat(),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        fc.boolean(),
        ({ seed, clients }, rule, pickClient, pickValue, bad, zeroWeight) => {
          const rng = createRng(seed);
          const contributions = Array.from({ length: clients + 1 }, (_, n): Contribution => {
            const state = randomState(spec, rng);
            const ranks = spec.modules.map((m) => Array.from({ length: m.rank }, (_, i) => i));
            const update =
              rule === "soft"
                ? softUpdate(state, ranks)
                : rule === "ffa"
                  ? bOnlyUpdate(state)
                  : rule === "topk"
                    ? topkUpdate(state)
                    : denseUpdate(state);
            return { update, weight: n === 0 ? 1 : zeroWeight ? 0 : 1 + n };
          });
          const n = pickClient % contributions.length;
          const target = contributions[n]?.update;
          if (target === undefined) throw new Error("unreachable");
          const arrays: Float32Array[] = [
            ...target.modules.flatMap((m) =>
              Object.values(m).filter((v): v is Float32Array => v instanceof Float32Array),
            ),
            ...target.dense,
          ];
          const array = arrays[pickValue % arrays.length];
          if (array === undefined || array.length === 0) return;
          array[Math.floor(pickValue / arrays.length) % array.length] = bad;
          const result = aggregationRule(rule).aggregate(spec, global, contributions);
          const expected = checkUpdate(spec, target, UPDATE_KIND_OF_RULE[rule]);
          expect(expected.ok).toBe(false);
          expect(result.ok ? "ok" : `${result.error.code}: ${result.error.reason}`).toBe(
            expected.ok ? "ok" : `${expected.error.code}: contribution ${n}: ${expected.error.reason}`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("rejects soft ranks that repeat, decrease or reach r, and rows that do not match the ranks", () => {
    const withRanks = (ranks: number[]): Contribution => {
      const update = softUpdate(local, [[0, 1], []]);
      if (update.kind !== "soft") throw new Error("unreachable");
      const m = update.modules[0] ?? { ranks: [], a: new Float32Array(0), b: new Float32Array(0) };
      return { update: { ...update, modules: [{ ...m, ranks }, ...update.modules.slice(1)] }, weight: 1 };
    };
    expect(codeOf("soft", [withRanks([0, 1])])).toBe("ok");
    expect(codeOf("soft", [withRanks([1, 1])])).toBe("bad-index");
    expect(codeOf("soft", [withRanks([1, 0])])).toBe("bad-index");
    expect(codeOf("soft", [withRanks([0, 3])])).toBe("bad-index");
    expect(codeOf("soft", [withRanks([0.5, 1])])).toBe("bad-index");
    expect(codeOf("soft", [withRanks([0])])).toBe("shape-mismatch");
  });

  it("rejects topk indices out of range or out of order and deltas that do not match them", () => {
    const topk = (aIndex: number[], aDelta: number[]): Contribution => ({
      update: {
        kind: "topk",
        round: 1,
        modules: spec.modules.map(() => ({
          aIndex: Uint32Array.from(aIndex),
          aDelta: Float32Array.from(aDelta),
          bIndex: new Uint32Array(0),
          bDelta: new Float32Array(0),
        })),
        dense: local.dense,
      },
      weight: 1,
    });
    expect(codeOf("topk", [topk([0, 5], [1, 2])])).toBe("ok");
    expect(codeOf("topk", [topk([5, 0], [1, 2])])).toBe("bad-index");
    expect(codeOf("topk", [topk([0, 12], [1, 2])])).toBe("bad-index");
    expect(codeOf("topk", [topk([0, 5], [1])])).toBe("shape-mismatch");
    expect(codeOf("topk", [topk([0, 5], [1, Number.NaN])])).toBe("non-finite");
  });
});
