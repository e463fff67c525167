import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FP16_MAX, float16BitsToFloat32, float16Table, float32ToFloat16Bits, isFloat16NonFinite } from "./float16";

// Brute-force reference: every finite non-negative half, in increasing order of value (= of bits).
const HALVES = Array.from({ length: 0x7c00 }, (_, bits) => float16BitsToFloat32(bits));

/** Nearest half by exhaustive search, ties to the even bit pattern, >= 65520 (midpoint to 2^16) to Infinity. */
function referenceBits(value: number): number {
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(Math.fround(value));
  if (magnitude >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = HALVES.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((HALVES[mid] ?? Infinity) <= magnitude) lo = mid;
    else hi = mid - 1;
  }
  const below = HALVES[lo] ?? 0;
  const above = HALVES[lo + 1] ?? 65536;
  const pick =
    magnitude - below < above - magnitude
      ? lo
      : magnitude - below > above - magnitude
        ? lo + 1
        : lo % 2 === 0
          ? lo
          : lo + 1;
  return sign | pick;
}

/** Exact midpoints between adjacent halves (ties) and the float32 values right next to them. */
const tieOrNeighbour = fc
  .record({ bits: fc.integer({ min: 0, max: 0x7bff }), nudge: fc.constantFrom(-1, 0, 1), negative: fc.boolean() })
  .map(({ bits, nudge, negative }) => {
    const mid = ((HALVES[bits] ?? 0) + (HALVES[bits + 1] ?? 65536)) / 2;
    const value = mid + nudge * mid * 2 ** -23;
    return Math.fround(negative ? -value : value);
  });

describe("float16 conversion", () => {
  it("maps the edge values to the IEEE bit patterns (zeros, subnormals, max finite, binade carries, overflow)", () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // exactly half the smallest subnormal: tie to even (zero)
      [Math.fround(2 ** -25 * 1.000001), 0x0001], // just above the tie
      [3 * 2 ** -25, 0x0002], // 1.5 subnormal ulps: tie to even (2)
      [2 ** -14 - 2 ** -24, 0x03ff], // largest subnormal
      [2 ** -14 - 2 ** -25, 0x0400], // tie between 0x03ff (odd) and the smallest normal: carries into the normals
      [2 ** -14, 0x0400], // smallest normal
      [1, 0x3c00],
      [1 + 2 ** -11, 0x3c00], // tie to even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // tie to even (up)
      [2 - 2 ** -11, 0x4000], // rounds up into the next binade
      [-(2 - 2 ** -11), 0xc000],
      [FP16_MAX, 0x7bff], // max finite
      [65519, 0x7bff], // below the midpoint to 2^16
      [65520, 0x7c00], // the midpoint: ties to even = Infinity
      [-1e6, 0xfc00],
      [Infinity, 0x7c00],
      [2 ** -149, 0x0000], // float32 subnormal underflows to zero
      [-(2 ** -149), 0x8000],
    ];
    for (const [value, bits] of cases) expect([value, float32ToFloat16Bits(value)]).toEqual([value, bits]);
    expect(isFloat16NonFinite(float32ToFloat16Bits(NaN))).toBe(true);
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x7bff)).toBe(FP16_MAX);
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity);
  });

  it("every finite half survives half -> float32 -> half bit for bit, only exponent 31 is non-finite, and the decode table agrees", () => {
    const wrong: number[] = [];
    const table = float16Table();
    for (let bits = 0; bits < 0x10000; bits += 1) {
      const value = float16BitsToFloat32(bits);
      const finite = !isFloat16NonFinite(bits);
      const back = finite && float32ToFloat16Bits(value) !== bits;
      if (Number.isFinite(value) !== finite || back || !Object.is(table[bits], value)) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it("rounds every float32 to the nearest half, ties to even, as an exhaustive search does", () => {
    fc.assert(
      fc.property(fc.oneof(fc.float({ noNaN: true }), tieOrNeighbour), (value) => {
        expect(float32ToFloat16Bits(value)).toBe(referenceBits(value));
      }),
      { numRuns: 3000 },
    );
  });

  it("keeps normal values within a relative 2^-11 and subnormal values within an absolute 2^-25", () => {
    fc.assert(
      fc.property(fc.float({ min: -FP16_MAX, max: FP16_MAX, noNaN: true }), (value) => {
        const back = float16BitsToFloat32(float32ToFloat16Bits(value));
        const bound = Math.abs(value) >= 2 ** -14 ? Math.abs(value) * 2 ** -11 : 2 ** -25;
        expect(Math.abs(back - value)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 3000 },
    );
  });
});
