// Test support (not exported): fast-check arbitraries for adapter specs and updates of every kind that fit them.
import fc from "fast-check";
import type { AdapterSpec, AdapterUpdate, LoraModuleSpec, Precision, UpdateKind } from "@airlora/core";
import { FP16_MAX } from "./float16";

export const KINDS: readonly UpdateKind[] = ["dense", "soft", "b-only", "topk"];
export const PRECISIONS: readonly Precision[] = ["fp16", "fp32"];

/** Small specs: up to 3 modules (rank up to 10, so bitmasks of one and two bytes), up to 2 dense tensors. */
export const specArb: fc.Arbitrary<AdapterSpec> = fc.record({
  modules: fc.array(
    fc.record({
      name: fc.string({ maxLength: 6, unit: "grapheme" }),
      d: fc.integer({ min: 1, max: 6 }),
      k: fc.integer({ min: 1, max: 6 }),
      rank: fc.integer({ min: 1, max: 10 }),
    }),
    { maxLength: 3 },
  ),
  dense: fc.array(
    fc.record({ name: fc.string({ maxLength: 6 }), shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }) }),
    { maxLength: 2 },
  ),
  alpha: fc.constantFrom(1, 8, 16, 0.5),
});

/** Finite float32 values; within fp16's finite range when the precision is fp16. */
export function valuesArb(length: number, precision: Precision): fc.Arbitrary<Float32Array> {
  const range = precision === "fp16" ? { min: -FP16_MAX, max: FP16_MAX } : {};
  return fc.float32Array({ ...range, noNaN: true, noDefaultInfinity: true, minLength: length, maxLength: length });
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function moduleArb(module: LoraModuleSpec, kind: UpdateKind, precision: Precision) {
  const { d, k, rank: r } = module;
  const values = (n: number) => valuesArb(n, precision);
  switch (kind) {
    case "dense":
      return fc.record({ a: values(r * k), b: values(d * r) });
    case "b-only":
      return fc.record({ b: values(d * r) });
    case "soft":
      return fc
        .subarray(range(r))
        .chain((ranks) =>
          fc.record({ ranks: fc.constant(ranks), a: values(ranks.length * k), b: values(ranks.length * d) }),
        );
    case "topk":
      return fc.tuple(fc.subarray(range(r * k)), fc.subarray(range(d * r))).chain(([a, b]) =>
        fc.record({
          aIndex: fc.constant(Uint32Array.from(a)),
          aDelta: values(a.length),
          bIndex: fc.constant(Uint32Array.from(b)),
          bDelta: values(b.length),
        }),
      );
  }
}

export function updateArb(spec: AdapterSpec, kind: UpdateKind, precision: Precision): fc.Arbitrary<AdapterUpdate> {
  return fc
    .record({
      round: fc.integer({ min: 0, max: 0xffffffff }),
      modules: fc.tuple(...spec.modules.map((module) => moduleArb(module, kind, precision))),
      dense: fc.tuple(
        ...spec.dense.map((tensor) =>
          valuesArb(
            tensor.shape.reduce((n, dim) => n * dim, 1),
            precision,
          ),
        ),
      ),
    })
    .map(({ round, modules, dense }) => ({ kind, round, modules, dense }) as AdapterUpdate);
}

export interface CodecCase {
  readonly spec: AdapterSpec;
  readonly update: AdapterUpdate;
  readonly precision: Precision;
}

/** A spec, a kind and precision, and an update of that kind that fits the spec. */
export const caseArb: fc.Arbitrary<CodecCase> = fc
  .tuple(specArb, fc.constantFrom(...KINDS), fc.constantFrom(...PRECISIONS))
  .chain(([spec, kind, precision]) => updateArb(spec, kind, precision).map((update) => ({ spec, update, precision })));

/** The spec with every rank kept, every topk index sent: the largest update of a kind. */
export function fullUpdate(spec: AdapterSpec, kind: UpdateKind, round = 0): AdapterUpdate {
  const fill = (n: number) => new Float32Array(n).fill(0.5);
  const modules = spec.modules.map(({ d, k, rank: r }) => {
    switch (kind) {
      case "dense":
        return { a: fill(r * k), b: fill(d * r) };
      case "b-only":
        return { b: fill(d * r) };
      case "soft":
        return { ranks: range(r), a: fill(r * k), b: fill(r * d) };
      case "topk":
        return {
          aIndex: Uint32Array.from(range(r * k)),
          aDelta: fill(r * k),
          bIndex: Uint32Array.from(range(d * r)),
          bDelta: fill(d * r),
        };
    }
  });
  const dense = spec.dense.map((tensor) => fill(tensor.shape.reduce((n, dim) => n * dim, 1)));
  return { kind, round, modules, dense } as AdapterUpdate;
}

/** Bytes of typed arrays an update holds (what decoding allocates for it). */
export function updateValueBytes(update: AdapterUpdate): number {
  const arrays: ArrayBufferView[] = [...update.dense];
  for (const module of update.modules)
    arrays.push(...Object.values(module).filter((v): v is ArrayBufferView => ArrayBuffer.isView(v)));
  return arrays.reduce((sum, array) => sum + array.byteLength, 0);
}
