// The float64 accumulation every rule shares: sum_n w_n x_n, rounded to float32 once at the end.

/** sum_n weights[n] * arrays[n], each array of `length` values. */
export function weightedSum(arrays: readonly Float32Array[], weights: Float64Array, length: number): Float32Array {
  const acc = new Float64Array(length);
  for (const [n, values] of arrays.entries()) {
    const w = weights[n] ?? 0;
    for (let i = 0; i < length; i += 1) acc[i] = (acc[i] ?? 0) + w * (values[i] ?? 0);
  }
  return Float32Array.from(acc);
}
