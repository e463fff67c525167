import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accumulateRowsScalar, accumulateScalar } from "../aggregation/weighted-sum";
import { simdKernels, type SimdKernels } from "./simd-kernels";

const kernels = (): SimdKernels => {
  const k = simdKernels();
  if (k === undefined) throw new Error("no WebAssembly SIMD in this Node: every kernel test would be vacuous");
  return k;
};
const bitsOf = (x: Float32Array): Uint32Array => new Uint32Array(x.buffer, x.byteOffset, x.length);
const floats = (length: number, seed: number): Float32Array =>
  Float32Array.from({ length }, (_, i) => Math.sin(seed * 7919 + i * 104729) * 10 ** ((i % 7) - 3));
/** Lengths around the 8-value padding and the 16,384-value chunk. */
const lengthArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(16383, 16385, 33000));

describe("vector kernels", () => {
  it("find a NaN or Infinity wherever it is, and only then", () => {
    fc.assert(
      fc.property(lengthArb, fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (length, at, bad) => {
        const values = floats(length, at);
        expect(kernels().anyNonFinite(values)).toBe(false);
        if (length === 0) return;
        values[at % length] = bad;
        expect(kernels().anyNonFinite(values)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("accumulate to the same bits as the scalar loop, any number of contributors, offsets and lengths", () => {
    fc.assert(
      fc.property(
        lengthArb,
        fc.array(fc.tuple(fc.nat(5), fc.double({ min: -2, max: 2, noNaN: true })), { maxLength: 9 }),
        fc.nat(3),
        (length, contributors, at) => {
          const arrays = contributors.map(([offset], n) => floats(offset + length, n + 1));
          const from = contributors.map(([offset]) => offset);
          const weights = contributors.map(([, w]) => w);
          const vector = floats(at + length, 99);
          const scalar = vector.slice();
          kernels().accumulate(vector, at, arrays, from, weights, length);
          accumulateScalar(scalar, at, arrays, from, weights, length);
          expect(bitsOf(vector)).toEqual(bitsOf(scalar));
        },
      ),
      { numRuns: 50 },
    );
  }, 60_000);

  it("accumulate rows to the same bits as the scalar loop, whatever rows each contributor sent", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(1, 3, 8, 130, 5000),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.tuple(fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), fc.double({ min: -1, max: 1 })), {
          maxLength: 9,
        }),
        (rowLength, rows, contributors) => {
          const parts = contributors.map(([sent], n) => {
            const kept = sent.slice(0, rows).flatMap((s, row) => (s ? [row] : []));
            return { rows: kept, values: floats(kept.length * rowLength, n + 3) };
          });
          const weights = contributors.map(([, w]) => (Number.isNaN(w) ? 0 : w));
          const vector = floats(rows * rowLength, 5);
          const scalar = vector.slice();
          kernels().accumulateRows(vector, rowLength, parts, weights);
          accumulateRowsScalar(scalar, rowLength, parts, weights);
          expect(bitsOf(vector)).toEqual(bitsOf(scalar));
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);

  it("sum in float32, in contributor order: 1 + 2^-24 + 2^-24 stays 1, where float64 would give 1 + 2^-23", () => {
    const acc = new Float32Array(8).fill(1);
    const tiny = new Float32Array(8).fill(2 ** -24);
    kernels().accumulate(acc, 0, [tiny, tiny], [0, 0], [1, 1], 8);
    expect([...acc]).toEqual(new Array<number>(8).fill(1));
    kernels().accumulate(acc, 0, [tiny.map(() => 2 ** -23)], [0], [1], 8);
    expect([...acc]).toEqual(new Array<number>(8).fill(1 + 2 ** -23));
  });
});
