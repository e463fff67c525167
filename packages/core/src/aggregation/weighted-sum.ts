// The accumulation every rule shares: sum_n w_n x_n in float32, each weight, product and partial sum rounded to
// float32, summed in contributor order (((acc + w_0 x_0) + w_1 x_1) + ...). Where WebAssembly SIMD runs, the same
// sums run in kernels.wat four elements at a time, with the same bits (docs/algorithms.md section 4.7 says
// why float32 and what it costs: about 1e-7 relative, far below what one round of training moves).
import { simdKernels, type Accumulate, type RowPart } from "../kernels/simd-kernels";

const f = Math.fround;

/** acc[at + i] += sum over `arrays` in order of weights[n] * arrays[n][from[n] + i], for i < length. */
export const accumulate: Accumulate = (acc, at, arrays, from, weights, length) => {
  const simd = simdKernels();
  if (simd === undefined) accumulateScalar(acc, at, arrays, from, weights, length);
  else simd.accumulate(acc, at, arrays, from, weights, length);
};

/** accumulate in plain TypeScript: the path without WebAssembly SIMD, and the kernels' reference in tests. A product
 * or sum of two float32 is exact in float64 or rounds once there, so fround of it is the float32 operation. */
export const accumulateScalar: Accumulate = (acc, at, arrays, from, weights, length) => {
  for (const [n, x] of arrays.entries()) {
    const o = from[n] ?? 0;
    const w = f(weights[n] ?? 0);
    for (let i = 0; i < length; i += 1) acc[at + i] = f((acc[at + i] ?? 0) + f(w * (x[o + i] ?? 0)));
  }
};

/** acc (rows of `rowLength`) += sum over parts in order of weights[n] times part n's rows, zeros for rows it did
 * not send (see SimdKernels.accumulateRows). */
export function accumulateRows(
  acc: Float32Array,
  rowLength: number,
  parts: readonly RowPart[],
  weights: readonly number[],
): void {
  const simd = simdKernels();
  if (simd === undefined || rowLength > simd.maxRowLength) accumulateRowsScalar(acc, rowLength, parts, weights);
  else simd.accumulateRows(acc, rowLength, parts, weights);
}

/** accumulateRows in plain TypeScript. A row a contributor did not send still gets its + 0 (which turns a -0 into
 * +0), so that both paths agree to the bit. */
export function accumulateRowsScalar(
  acc: Float32Array,
  rowLength: number,
  parts: readonly RowPart[],
  weights: readonly number[],
): void {
  const rows = acc.length / rowLength;
  for (const [n, part] of parts.entries()) {
    const w = f(weights[n] ?? 0);
    let j = 0;
    for (let row = 0; row < rows; row += 1) {
      const sent = part.rows[j] === row;
      const from = j * rowLength;
      for (let c = 0; c < rowLength; c += 1) {
        const x = sent ? (part.values[from + c] ?? 0) : 0;
        acc[row * rowLength + c] = f((acc[row * rowLength + c] ?? 0) + f(w * x));
      }
      if (sent) j += 1;
    }
  }
}

/** sum_n weights[n] * arrays[n], each array of `length` values. */
export function weightedSum(arrays: readonly Float32Array[], weights: Float64Array, length: number): Float32Array {
  const acc = new Float32Array(length);
  accumulate(
    acc,
    0,
    arrays,
    arrays.map(() => 0),
    Array.from(weights),
    length,
  );
  return acc;
}
