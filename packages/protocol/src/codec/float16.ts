// IEEE 754 binary16 <-> binary32 for the update codec's fp16 precision (docs/protocol.md). Round to nearest,
// ties to even; subnormals both ways; magnitudes that round past the largest finite half become Infinity (the
// encoder refuses those, see value-io.ts).

/** The largest finite half: (2 - 2^-10) * 2^15. Anything at or above 65520 rounds to Infinity. */
export const FP16_MAX = 65504;

// Bits of a float32: both views share one aligned buffer in native order, so no endianness question arises.
const scratchFloat = new Float32Array(1);
const scratchBits = new Uint32Array(scratchFloat.buffer);

/** The half bit pattern nearest to `value` (first rounded to float32, as every Float32Array element already is). */
export function float32ToFloat16Bits(value: number): number {
  scratchFloat[0] = value;
  const x = scratchBits[0] ?? 0;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa === 0 ? 0 : 0x200);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal half (or zero): m * 2^-24 with m = (1.mantissa) * 2^(e - 14), rounded to nearest even.
    if (e < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - e;
    const rounded = full + (1 << (shift - 1)) - 1 + ((full >>> shift) & 1);
    return sign | (rounded >>> shift);
  }
  // Normal half: drop 13 mantissa bits, rounded to nearest even; a carry moves into the exponent (next binade),
  // and a carry out of exponent 30 gives 0x7c00 = Infinity.
  const rounded = mantissa + 0xfff + ((mantissa >>> 13) & 1);
  return sign | ((e << 10) + (rounded >>> 13));
}

/** The exact float32 value of a half bit pattern (NaN and +-Infinity for exponent 31). */
export function float16BitsToFloat32(bits: number): number {
  const sign = (bits & 0x8000) === 0 ? 1 : -1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** True when a half bit pattern is NaN or +-Infinity. */
export function isFloat16NonFinite(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00;
}

let halfTable: Float32Array | undefined;

/** float16BitsToFloat32 for all 65536 patterns (256 KiB, built on first use): the decoder's fast path. */
export function float16Table(): Float32Array {
  if (halfTable === undefined) {
    halfTable = new Float32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits += 1) halfTable[bits] = float16BitsToFloat32(bits);
  }
  return halfTable;
}
