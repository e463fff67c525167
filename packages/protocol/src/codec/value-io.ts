// Reading and writing runs of LoRA values at any byte offset through a DataView (little-endian), so a Buffer
// with an unaligned byteOffset is never viewed as a Float32Array. Both directions report the first bad value.
import type { Precision } from "@airlora/core";
import { FP16_MAX, float16Table, float32ToFloat16Bits, isFloat16NonFinite } from "./float16";

/** Writes `values` from `offset`; returns the index of the first value it refuses (NaN, +-Infinity, beyond fp16), or -1. */
export function writeValues(view: DataView, offset: number, values: Float32Array, precision: Precision): number {
  let i = 0;
  if (precision === "fp32") {
    for (const value of values) {
      if (!Number.isFinite(value)) return i;
      view.setFloat32(offset + 4 * i, value, true);
      i += 1;
    }
    return -1;
  }
  for (const value of values) {
    const bits = float32ToFloat16Bits(value);
    if (isFloat16NonFinite(bits)) return i;
    view.setUint16(offset + 2 * i, bits, true);
    i += 1;
  }
  return -1;
}

/** Fills `out` from `offset`; returns the index of the first NaN or +-Infinity it read, or -1. */
export function readValues(view: DataView, offset: number, out: Float32Array, precision: Precision): number {
  const n = out.length;
  if (precision === "fp32") {
    for (let i = 0; i < n; i += 1) {
      const value = view.getFloat32(offset + 4 * i, true);
      if (!Number.isFinite(value)) return i;
      out[i] = value;
    }
    return -1;
  }
  const table = float16Table();
  for (let i = 0; i < n; i += 1) {
    const bits = view.getUint16(offset + 2 * i, true);
    if (isFloat16NonFinite(bits)) return i;
    out[i] = table[bits] ?? NaN;
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
