// Runs of LoRA values in and out of the wire bytes (little-endian), in bulk. Where WebAssembly SIMD runs
// (@airlora/core's simdKernels), values are checked and converted there, eight at a time; a refusal then runs the
// scalar loop again for the exact index. The scalar loops: fp32 checked through an Int32Array view of its bits and
// copied as bytes (a memcpy), fp16 converted in one typed-array loop. A Buffer with an unaligned byteOffset is never
// viewed as a Float32Array or Uint16Array: unaligned runs go through an aligned scratch buffer. On a big-endian host
// (none that runs this today) every value goes through a DataView. Both directions report the index of the first
// value they refuse.
import { simdKernels, type Precision, type SimdKernels } from "@airlora/core";
import { FP16_MAX, float16Table, float32ToFloat16Bits } from "./float16";

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** The float32 exponent field; all ones is NaN or Infinity. */
const F32_EXPONENT = 0x7f800000;
/** The half exponent field; all ones is NaN or Infinity. */
const F16_EXPONENT = 0x7c00;

let scratch = new ArrayBuffer(1 << 16);
/** Read once: tests swap it through `withScalarValueIo` to run the scalar loops. */
let simd: SimdKernels | undefined = simdKernels();

/** Runs `body` with the scalar loops only (the tests compare both paths); restores the kernels after. */
export function withScalarValueIo<T>(body: () => T): T {
  const kept = simd;
  simd = undefined;
  try {
    return body();
  } finally {
    simd = kept;
  }
}

/** An aligned buffer of at least `bytes` bytes, reused between calls (the codec is synchronous). */
function scratchBuffer(bytes: number): ArrayBuffer {
  if (scratch.byteLength < bytes) scratch = new ArrayBuffer(2 ** Math.ceil(Math.log2(bytes)));
  return scratch;
}

/** Index of the first NaN or +-Infinity among float32 bit patterns, or -1. Unrolled: this is the codec's hot loop. */
export function firstNonFiniteBits(bits: Int32Array): number {
  const n = bits.length;
  const end = n - (n % 8);
  let i = 0;
  for (; i < end; i += 8) {
    if (
      ((bits[i] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 1] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 2] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 3] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 4] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 5] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 6] ?? 0) & F32_EXPONENT) === F32_EXPONENT ||
      ((bits[i + 7] ?? 0) & F32_EXPONENT) === F32_EXPONENT
    ) {
      break;
    }
  }
  for (; i < n; i += 1) if (((bits[i] ?? 0) & F32_EXPONENT) === F32_EXPONENT) return i;
  return -1;
}

const bitsOf = (values: Float32Array): Int32Array => new Int32Array(values.buffer, values.byteOffset, values.length);

/**
 * Halves of `bits` (float32 patterns) into `out`, rounded to nearest even; returns the index of the first value
 * that is NaN, Infinity or rounds beyond fp16, or -1. Normal halves take an inline path (the exponent rebiased by
 * -112 and 13 mantissa bits rounded off, a carry moving into the exponent); zeros, subnormals and the rest go
 * through float32ToFloat16Bits.
 */
function toHalves(bits: Int32Array, values: Float32Array, out: Uint16Array): number {
  const n = bits.length;
  for (let i = 0; i < n; i += 1) {
    const x = bits[i] ?? 0;
    const magnitude = x & 0x7fffffff;
    let half: number;
    if (magnitude >= 0x38800000 && magnitude < 0x477ff000) {
      // 2^-14 <= |v| < 65520: a normal half after rounding.
      half = ((magnitude - 0x38000000 + 0xfff + ((magnitude >> 13) & 1)) >> 13) | ((x >> 16) & 0x8000);
    } else if (magnitude === 0) {
      half = (x >> 16) & 0x8000;
    } else {
      half = float32ToFloat16Bits(values[i] ?? 0);
      if ((half & F16_EXPONENT) === F16_EXPONENT) return i;
    }
    out[i] = half;
  }
  return -1;
}

/** Index of the first NaN or +-Infinity in `values`, or -1: the vector kernel clears a clean run, the scalar loop
 * finds where a dirty one goes wrong. */
const firstNonFinite32 = (values: Float32Array): number =>
  simd?.anyNonFinite(values) === false ? -1 : firstNonFiniteBits(bitsOf(values));

/** `values` as halves into `halves`; the index of the first value fp16 cannot carry, or -1 (kernel first, as above). */
const intoHalves = (values: Float32Array, halves: Uint16Array): number =>
  simd?.toHalves(values, halves) === true ? -1 : toHalves(bitsOf(values), values, halves);

/** Writes `values` into `bytes` from `offset`; returns the index of the first value it refuses (NaN, +-Infinity,
 * beyond fp16), or -1. What it wrote before a refusal is left in place (the encoder drops the whole buffer). */
export function writeValues(bytes: Uint8Array, offset: number, values: Float32Array, precision: Precision): number {
  const n = values.length;
  if (n === 0) return -1;
  if (!LITTLE_ENDIAN) return writeValuesPortably(bytes, offset, values, precision);
  if (precision === "fp32") {
    const bad = firstNonFinite32(values);
    if (bad >= 0) return bad;
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, 4 * n), offset);
    return -1;
  }
  const at = bytes.byteOffset + offset;
  const aligned = at % 2 === 0;
  const halves = aligned ? new Uint16Array(bytes.buffer, at, n) : new Uint16Array(scratchBuffer(2 * n), 0, n);
  const bad = intoHalves(values, halves);
  if (bad < 0 && !aligned) bytes.set(new Uint8Array(halves.buffer, 0, 2 * n), offset);
  return bad;
}

/** The wire bytes of `values` (a view of `values` itself for fp32, fresh halves for fp16), or undefined when some
 * value is refused or the host is big-endian: callers then write run by run with writeValues, which says where. */
export function wireValues(values: Float32Array, precision: Precision): Uint8Array | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  if (precision === "fp32") {
    return firstNonFinite32(values) < 0
      ? new Uint8Array(values.buffer, values.byteOffset, 4 * values.length)
      : undefined;
  }
  const halves = new Uint16Array(values.length);
  return intoHalves(values, halves) < 0 ? new Uint8Array(halves.buffer) : undefined;
}

/** Fills `out` from `bytes` at `offset`; returns the index of the first NaN or +-Infinity it read, or -1. */
export function readValues(bytes: Uint8Array, offset: number, out: Float32Array, precision: Precision): number {
  const n = out.length;
  if (n === 0) return -1;
  if (!LITTLE_ENDIAN) return readValuesPortably(bytes, offset, out, precision);
  if (precision === "fp32") {
    new Uint8Array(out.buffer, out.byteOffset, 4 * n).set(bytes.subarray(offset, offset + 4 * n));
    return firstNonFinite32(out);
  }
  const at = bytes.byteOffset + offset;
  let halves: Uint16Array;
  if (at % 2 === 0) {
    halves = new Uint16Array(bytes.buffer, at, n);
  } else {
    halves = new Uint16Array(scratchBuffer(2 * n), 0, n);
    new Uint8Array(halves.buffer, 0, 2 * n).set(bytes.subarray(offset, offset + 2 * n));
  }
  if (simd?.fromHalves(halves, out) === true) return -1;
  const table = float16Table();
  for (let i = 0; i < n; i += 1) {
    const half = halves[i] ?? 0;
    if ((half & F16_EXPONENT) === F16_EXPONENT) return i;
    out[i] = table[half] ?? 0;
  }
  return -1;
}

/** writeValues through a DataView, value by value: the big-endian path (tested against the fast one). */
export function writeValuesPortably(
  bytes: Uint8Array,
  offset: number,
  values: Float32Array,
  precision: Precision,
): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] ?? NaN;
    if (!Number.isFinite(value)) return i;
    if (precision === "fp32") {
      view.setFloat32(offset + 4 * i, value, true);
    } else {
      const half = float32ToFloat16Bits(value);
      if ((half & F16_EXPONENT) === F16_EXPONENT) return i;
      view.setUint16(offset + 2 * i, half, true);
    }
  }
  return -1;
}

/** readValues through a DataView, value by value: the big-endian path (tested against the fast one). */
export function readValuesPortably(bytes: Uint8Array, offset: number, out: Float32Array, precision: Precision): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const table = float16Table();
  for (let i = 0; i < out.length; i += 1) {
    if (precision === "fp32") {
      const value = view.getFloat32(offset + 4 * i, true);
      if (!Number.isFinite(value)) return i;
      out[i] = value;
    } else {
      const half = view.getUint16(offset + 2 * i, true);
      if ((half & F16_EXPONENT) === F16_EXPONENT) return i;
      out[i] = table[half] ?? 0;
    }
  }
  return -1;
}

/** Why a value was refused, in words: "NaN", "-Infinity", "70000 (beyond fp16's largest finite 65504)". */
export function describeBadValue(value: number | undefined, precision: Precision): string {
  if (value === undefined || !Number.isFinite(value)) return String(value);
  return precision === "fp16" && Math.abs(value) > FP16_MAX
    ? `${value} (beyond fp16's largest finite ${FP16_MAX})`
    : String(value);
}
