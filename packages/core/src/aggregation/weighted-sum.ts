// The float64 accumulation every rule shares: sum_n w_n x_n, rounded to float32 once at the end. The hot loop of
// aggregation: four contributors per pass over the accumulator, each element still summed in contributor order
// (((acc + w_0 x_0) + w_1 x_1) + ...), so the result is bit for bit the plain sequential sum.

/** acc[at + i] += sum over `arrays` in order of weights[n] * arrays[n][from[n] + i], for i < length. */
export function accumulate(
  acc: Float64Array,
  at: number,
  arrays: readonly Float32Array[],
  from: readonly number[],
  weights: readonly number[],
  length: number,
): void {
  const empty = new Float32Array(0);
  let n = 0;
  for (; n + 4 <= arrays.length; n += 4) {
    const x0 = arrays[n] ?? empty;
    const x1 = arrays[n + 1] ?? empty;
    const x2 = arrays[n + 2] ?? empty;
    const x3 = arrays[n + 3] ?? empty;
    const o0 = from[n] ?? 0;
    const o1 = from[n + 1] ?? 0;
    const o2 = from[n + 2] ?? 0;
    const o3 = from[n + 3] ?? 0;
    const w0 = weights[n] ?? 0;
    const w1 = weights[n + 1] ?? 0;
    const w2 = weights[n + 2] ?? 0;
    const w3 = weights[n + 3] ?? 0;
    for (let i = 0; i < length; i += 1) {
      let a = acc[at + i] ?? 0;
      a += w0 * (x0[o0 + i] ?? 0);
      a += w1 * (x1[o1 + i] ?? 0);
      a += w2 * (x2[o2 + i] ?? 0);
      a += w3 * (x3[o3 + i] ?? 0);
      acc[at + i] = a;
    }
  }
  for (; n < arrays.length; n += 1) {
    const x = arrays[n] ?? empty;
    const o = from[n] ?? 0;
    const w = weights[n] ?? 0;
    for (let i = 0; i < length; i += 1) acc[at + i] = (acc[at + i] ?? 0) + w * (x[o + i] ?? 0);
  }
}

/** sum_n weights[n] * arrays[n], each array of `length` values, as float32. */
export function weightedSum(arrays: readonly Float32Array[], weights: Float64Array, length: number): Float32Array {
  const acc = new Float64Array(length);
  accumulate(
    acc,
    0,
    arrays,
    arrays.map(() => 0),
    Array.from(weights),
    length,
  );
  const out = new Float32Array(length);
  out.set(acc);
  return out;
}
