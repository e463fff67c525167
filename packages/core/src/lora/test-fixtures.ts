// Shared by the lora, soft and aggregation tests: seeded random states and dense float64 references. Not exported
// from the package.
import type { Rng } from "../random/rng";
import { denseSize, type AdapterSpec } from "./adapter-spec";
import type { AdapterState } from "./adapter-state";

/** n standard normals times scale, rounded to float32. */
export function randomValues(rng: Rng, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 1) out[i] = rng.normal() * scale;
  return out;
}

export function randomState(spec: AdapterSpec, rng: Rng, scale = 1): AdapterState {
  return {
    modules: spec.modules.map((m) => ({
      a: randomValues(rng, m.rank * m.k, scale),
      b: randomValues(rng, m.d * m.rank, scale),
    })),
    dense: spec.dense.map((t) => randomValues(rng, denseSize(t), scale)),
  };
}

/** B A (d x k, row-major) in float64, the brute-force reference for products of factors. */
export function denseProduct(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  d: number,
  k: number,
  r: number,
): Float64Array {
  const out = new Float64Array(d * k);
  for (let row = 0; row < d; row += 1) {
    for (let i = 0; i < r; i += 1) {
      const bi = b[row * r + i] ?? 0;
      for (let col = 0; col < k; col += 1) out[row * k + col] = (out[row * k + col] ?? 0) + bi * (a[i * k + col] ?? 0);
    }
  }
  return out;
}

/** b_i a_i^T (d x k) in float64: rank component i alone. */
export function rankOneProduct(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  d: number,
  k: number,
  r: number,
  i: number,
): Float64Array {
  const out = new Float64Array(d * k);
  for (let row = 0; row < d; row += 1) {
    for (let col = 0; col < k; col += 1) out[row * k + col] = (b[row * r + i] ?? 0) * (a[i * k + col] ?? 0);
  }
  return out;
}

export function frobeniusSquared(m: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < m.length; i += 1) sum += (m[i] ?? 0) ** 2;
  return sum;
}

/** x - y element-wise, in float64. */
export function subtract(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += 1) out[i] = (x[i] ?? 0) - (y[i] ?? 0);
  return out;
}
