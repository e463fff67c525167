import { describe, expect, it } from "vitest";
import type { AdapterUpdate, Precision } from "@airlora/core";
import { SPEC, fixtureUpdate } from "./codec-fixtures";
import { encodeUpdate } from "./encode-update";

type Patch = (update: AdapterUpdate) => AdapterUpdate;

/** [name, kind, patch, precision, expected code, text the reason must contain] */
const CASES: [string, AdapterUpdate["kind"], Patch, Precision, string, string][] = [
  ["a round that is not a u32", "dense", (u) => ({ ...u, round: -1 }), "fp32", "bad-round", "round -1"],
  ["a fractional round", "dense", (u) => ({ ...u, round: 1.5 }), "fp32", "bad-round", "round 1.5"],
  ["a round of 2^32", "dense", (u) => ({ ...u, round: 2 ** 32 }), "fp32", "bad-round", "round 4294967296"],
  [
    "a missing module",
    "b-only",
    (u) => ({ ...u, modules: u.modules.slice(1) }) as AdapterUpdate,
    "fp32",
    "bad-shape",
    "1 module updates, the spec has 2",
  ],
  ["a missing dense tensor", "dense", (u) => ({ ...u, dense: [] }), "fp32", "bad-shape", "0 dense tensors"],
  [
    "a head of the wrong size",
    "dense",
    (u) => ({ ...u, dense: [new Float32Array(3)] }),
    "fp32",
    "bad-shape",
    "dense tensor 0 (head.w): 3 values, expected 4",
  ],
  [
    "A' of the wrong length",
    "dense",
    (u) => withModule(u, 1, { a: new Float32Array(26), b: new Float32Array(18) }),
    "fp32",
    "bad-shape",
    "module 1 (h.1.attn.q): A' has 26 values, expected r=9 * k=3 = 27",
  ],
  [
    "B' of the wrong length",
    "b-only",
    (u) => withModule(u, 0, { b: new Float32Array(5) }),
    "fp32",
    "bad-shape",
    "module 0 (h.0.attn.q): B' has 5 values",
  ],
  [
    "a soft rank index >= r",
    "soft",
    (u) => withModule(u, 1, { ranks: [0, 4, 9], a: new Float32Array(9), b: new Float32Array(6) }),
    "fp32",
    "bad-rank",
    "module 1 (h.1.attn.q): rank index 9 (position 2) is not an integer in [0, r=9)",
  ],
  [
    "soft rank indices out of order",
    "soft",
    (u) => withModule(u, 1, { ranks: [0, 8, 4], a: new Float32Array(9), b: new Float32Array(6) }),
    "fp32",
    "bad-rank",
    "not strictly increasing at position 2 (4 after 8)",
  ],
  [
    "a repeated soft rank",
    "soft",
    (u) => withModule(u, 1, { ranks: [4, 4], a: new Float32Array(6), b: new Float32Array(4) }),
    "fp32",
    "bad-rank",
    "(4 after 4)",
  ],
  [
    "soft a' not kept x k",
    "soft",
    (u) => withModule(u, 0, { ranks: [0, 1], a: new Float32Array(2), b: new Float32Array(6) }),
    "fp32",
    "bad-shape",
    "a' has 2 values, expected kept=2 * k=2 = 4",
  ],
  [
    "a topk dA index >= r*k",
    "topk",
    (u) => withModule(u, 0, topk([0, 4], [5])),
    "fp32",
    "bad-index",
    "module 0 (h.0.attn.q): dA index 4 (position 1) >= r*k = 4",
  ],
  [
    "topk dB indices out of order",
    "topk",
    (u) => withModule(u, 0, topk([0], [3, 2])),
    "fp32",
    "bad-index",
    "dB indices not strictly increasing at position 1 (2 after 3)",
  ],
  [
    "a repeated topk dA index",
    "topk",
    (u) => withModule(u, 1, topk([2, 2], [])),
    "fp16",
    "bad-index",
    "module 1 (h.1.attn.q): dA indices not strictly increasing at position 1 (2 after 2)",
  ],
  [
    "topk values and indices of different counts",
    "topk",
    (u) => withModule(u, 0, { ...topk([0], [1]), aDelta: new Float32Array(2) }),
    "fp32",
    "bad-shape",
    "dA has 2 values, expected its index count = 1",
  ],
  [
    "a NaN in A'",
    "dense",
    (u) => withValue(u, "a", 1, 7, NaN),
    "fp32",
    "not-finite",
    "module 1 (h.1.attn.q): A'[7] is NaN",
  ],
  [
    "an Infinity in a soft b'_i",
    "soft",
    (u) => withValue(u, "b", 1, 3, -Infinity),
    "fp16",
    "not-finite",
    "module 1 (h.1.attn.q): b'_4[1] is -Infinity",
  ],
  [
    "an Infinity in the head",
    "topk",
    (u) => ({ ...u, dense: [Float32Array.from([0, 0, Infinity, 0])] }),
    "fp32",
    "not-finite",
    "dense tensor 0 (head.w)[2] is Infinity",
  ],
  [
    "a value that overflows fp16",
    "b-only",
    (u) => withValue(u, "b", 0, 2, 65520),
    "fp16",
    "fp16-overflow",
    "module 0 (h.0.attn.q): B'[2] is 65520 (beyond fp16's largest finite 65504); send fp32",
  ],
];

function withModule(update: AdapterUpdate, m: number, module: object): AdapterUpdate {
  return { ...update, modules: update.modules.map((old, i) => (i === m ? module : old)) } as AdapterUpdate;
}

function withValue(update: AdapterUpdate, key: "a" | "b", m: number, at: number, value: number): AdapterUpdate {
  const module = update.modules[m] as unknown as Record<string, Float32Array>;
  const values = Float32Array.from(module[key] ?? []);
  values[at] = value;
  return withModule(update, m, { ...module, [key]: values });
}

function topk(a: number[], b: number[]) {
  return {
    aIndex: Uint32Array.from(a),
    aDelta: new Float32Array(a.length),
    bIndex: Uint32Array.from(b),
    bDelta: new Float32Array(b.length),
  };
}

describe("encodeUpdate refuses updates that do not fit the spec, saying where", () => {
  it("accepts every untouched fixture in both precisions", () => {
    for (const kind of ["dense", "soft", "b-only", "topk"] as const) {
      for (const precision of ["fp16", "fp32"] as const)
        expect(encodeUpdate(SPEC, fixtureUpdate(kind), precision).ok).toBe(true);
    }
  });

  it.each(CASES)("refuses %s", (_, kind, patch, precision, code, reason) => {
    const result = encodeUpdate(SPEC, patch(fixtureUpdate(kind)), precision);
    expect(result.ok ? undefined : result.error.code).toBe(code);
    expect(result.ok ? "" : result.error.reason).toContain(reason);
  });

  it("sends in fp32 the value it refuses in fp16", () => {
    expect(encodeUpdate(SPEC, withValue(fixtureUpdate("b-only"), "b", 0, 2, 65520), "fp32").ok).toBe(true);
    expect(encodeUpdate(SPEC, withValue(fixtureUpdate("b-only"), "b", 0, 2, -65519), "fp16").ok).toBe(true);
  });
});
