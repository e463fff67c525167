import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec, Precision } from "@airlora/core";
import { SPEC, fixtureUpdate } from "./codec-fixtures";
import { CODEC_ERROR_CODES, type CodecErrorCode } from "./codec-error";
import type { DecodeExpectation } from "./decode-header";
import { decodeUpdate } from "./decode-update";
import { encodeUpdate } from "./encode-update";
import { KINDS, PRECISIONS, caseArb, updateValueBytes } from "./update-arbitraries";
import { maxDecodedBytes } from "./update-size";
import { UPDATE_HEADER_BYTES } from "./wire-format";

/** Codes only the encoder (or a bad spec) gives. */
const ENCODE_ONLY: readonly CodecErrorCode[] = ["bad-spec", "bad-round", "bad-shape", "fp16-overflow"];

interface Valid {
  readonly spec: AdapterSpec;
  readonly precision: Precision;
  readonly bytes: Uint8Array;
}

function encodeAll(
  cases: readonly { spec: AdapterSpec; update: Parameters<typeof encodeUpdate>[1]; precision: Precision }[],
): Valid[] {
  return cases.flatMap(({ spec, update, precision }) => {
    const encoded = encodeUpdate(spec, update, precision);
    return encoded.ok ? [{ spec, precision, bytes: encoded.value }] : [];
  });
}

// Valid updates to mutate: random specs and updates, and the fixtures (two modules, a 2-byte rank mask).
const CORPUS: Valid[] = encodeAll([
  ...fc.sample(caseArb, { numRuns: 120, seed: 20250501 }),
  ...KINDS.flatMap((kind) => PRECISIONS.map((precision) => ({ spec: SPEC, update: fixtureUpdate(kind), precision }))),
]);

const pick = (i: number): Valid =>
  CORPUS[i % CORPUS.length] ?? CORPUS[0] ?? { spec: SPEC, precision: "fp32", bytes: new Uint8Array() };

/** How to damage a valid update; every variant keeps its own indices modulo the buffer length. */
const mutationArb = fc.oneof(
  fc.record({
    type: fc.constant("flip"),
    flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ type: fc.constant("set-byte"), at: fc.nat(), value: fc.nat(255) }),
  fc.record({
    type: fc.constant("set-u32"),
    at: fc.nat(),
    value: fc.oneof(fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 9, 0x7fffffff, 0x80000000, 0xffffffff), fc.nat()),
  }),
  fc.record({ type: fc.constant("truncate"), at: fc.nat() }),
  fc.record({ type: fc.constant("extend"), extra: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ type: fc.constant("splice-header"), other: fc.nat() }),
  fc.record({ type: fc.constant("splice"), other: fc.nat(), cut: fc.nat(), otherCut: fc.nat() }),
  fc.record({ type: fc.constant("random-body"), body: fc.uint8Array({ maxLength: 160 }) }),
  fc.record({ type: fc.constant("random"), bytes: fc.uint8Array({ maxLength: 200 }) }),
);

type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  const n = Math.max(bytes.length, 1);
  const out = bytes.slice();
  switch (mutation.type) {
    case "flip":
      for (const [at, bit] of mutation.flips) out[at % n] = (out[at % n] ?? 0) ^ (1 << bit);
      return out.subarray(0, bytes.length);
    case "set-byte":
      if (bytes.length > 0) out[mutation.at % n] = mutation.value;
      return out;
    case "set-u32": {
      if (bytes.length < 4) return out;
      new DataView(out.buffer).setUint32(mutation.at % (bytes.length - 3), mutation.value, true);
      return out;
    }
    case "truncate":
      return out.subarray(0, mutation.at % n);
    case "extend":
      return Uint8Array.from([...bytes, ...mutation.extra]);
    case "splice-header":
      return Uint8Array.from([
        ...pick(mutation.other).bytes.subarray(0, UPDATE_HEADER_BYTES),
        ...bytes.subarray(UPDATE_HEADER_BYTES),
      ]);
    case "splice": {
      const other = pick(mutation.other).bytes;
      return Uint8Array.from([
        ...bytes.subarray(0, mutation.cut % n),
        ...other.subarray(mutation.otherCut % Math.max(other.length, 1)),
      ]);
    }
    case "random-body":
      return Uint8Array.from([...bytes.subarray(0, UPDATE_HEADER_BYTES), ...mutation.body]);
    case "random":
      return mutation.bytes;
  }
}

describe("codec fuzzing", () => {
  it("never throws on 12,000 mutated or random buffers; what it accepts re-encodes byte for byte within the size bound", () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.nat(),
        mutationArb,
        fc.integer({ min: 0, max: 7 }),
        fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: fc.nat(), weight: 1 }),
        fc.oneof(
          { arbitrary: fc.constant<DecodeExpectation>({}), weight: 8 },
          {
            arbitrary: fc.record(
              {
                round: fc.nat(4),
                kind: fc.constantFrom(...KINDS),
                precision: fc.constantFrom(...PRECISIONS),
                maxBytes: fc.nat(300),
              },
              { requiredKeys: [] },
            ),
            weight: 2,
          },
        ),
        (index, mutation, shift, otherSpec, expectation) => {
          const valid = pick(index);
          const mutated = mutate(valid.bytes, mutation);
          const host = new Uint8Array(mutated.length + 8);
          host.set(mutated, shift);
          const spec = otherSpec === null ? valid.spec : pick(otherSpec).spec;
          const decoded = decodeUpdate(spec, host.subarray(shift, shift + mutated.length), expectation);
          const outcome = decoded.ok ? "accepted" : decoded.error.code;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (!decoded.ok) return;
          const { update, precision } = decoded.value;
          expect(update.round).toBe(expectation.round ?? update.round);
          expect(update.kind).toBe(expectation.kind ?? update.kind);
          expect(precision).toBe(expectation.precision ?? precision);
          expect(mutated.length).toBeLessThanOrEqual(expectation.maxBytes ?? mutated.length);
          const again = encodeUpdate(spec, update, precision);
          expect(again.ok && again.value).toEqual(mutated);
          expect(updateValueBytes(update)).toBeLessThanOrEqual(maxDecodedBytes(spec));
          expect(updateValueBytes(update)).toBeLessThanOrEqual(4 * mutated.length);
        },
      ),
      { numRuns: 12_000 },
    );
    // Every way of refusing a buffer was reached, and some mutations (value bits, rounds) still decode.
    const decodeOutcomes = CODEC_ERROR_CODES.filter((code) => !ENCODE_ONLY.includes(code));
    expect([...outcomes.keys()].sort()).toEqual(["accepted", ...decodeOutcomes].sort());
    expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(12_000);
  });
});
