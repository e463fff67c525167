// Test support (not exported): a small fixed spec and one hand-written update of each kind for table tests.
import type { AdapterSpec, AdapterUpdate, UpdateKind } from "@airlora/core";

/** Module 0: d=3, k=2, r=2 (1-byte rank mask); module 1: d=2, k=3, r=9 (2-byte mask); a 2x2 head. */
export const SPEC: AdapterSpec = {
  modules: [
    { name: "h.0.attn.q", d: 3, k: 2, rank: 2 },
    { name: "h.1.attn.q", d: 2, k: 3, rank: 9 },
  ],
  dense: [{ name: "head.w", shape: [2, 2] }],
  alpha: 16,
};

const seq = (n: number, from: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (from + i) / 8);

export function fixtureUpdate(kind: UpdateKind, round = 3): AdapterUpdate {
  const dense = [seq(4, 100)];
  switch (kind) {
    case "dense":
      return {
        kind,
        round,
        dense,
        modules: [
          { a: seq(4, 1), b: seq(6, 10) },
          { a: seq(27, 20), b: seq(18, 50) },
        ],
      };
    case "b-only":
      return { kind, round, dense, modules: [{ b: seq(6, 10) }, { b: seq(18, 50) }] };
    case "soft":
      return {
        kind,
        round,
        dense,
        modules: [
          { ranks: [1], a: seq(2, 1), b: seq(3, 10) },
          { ranks: [0, 4, 8], a: seq(9, 20), b: seq(6, 50) },
        ],
      };
    case "topk":
      return {
        kind,
        round,
        dense,
        modules: [
          { aIndex: Uint32Array.from([0, 3]), aDelta: seq(2, 1), bIndex: Uint32Array.from([5]), bDelta: seq(1, 10) },
          {
            aIndex: Uint32Array.from([1, 2, 26]),
            aDelta: seq(3, 20),
            bIndex: Uint32Array.from([0, 17]),
            bDelta: seq(2, 50),
          },
        ],
      };
  }
}
