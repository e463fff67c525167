// Seeded orthonormal rows for A's initialisation (docs/algorithms.md section 1.2).
import type { Rng } from "../random/rng";

/**
 * An r x k row-major matrix whose rows have norm `rowNorm` and are mutually orthogonal within blocks of k rows:
 * rows [0, k) are orthogonal, rows [k, 2k) are orthogonal, and so on. More than k rows cannot all be orthogonal in
 * k dimensions, so when r > k each block of k rows is an independent orthonormal frame (rows of different blocks are
 * independent random directions, not orthogonal).
 *
 * Method: standard Gaussian rows, modified Gram-Schmidt applied twice ("twice is enough") in float64, then rounded to
 * float32 once. A Gaussian row that is numerically dependent on the earlier ones (probability 0, but seeds are
 * chosen by people) is drawn again.
 */
export function orthonormalRows(r: number, k: number, rowNorm: number, rng: Rng): Float32Array {
  const out = new Float32Array(r * k);
  if (k === 0) return out;
  const block = new Float64Array(Math.min(r, k) * k); // the current block's finished unit rows
  const v = new Float64Array(k);
  for (let i = 0; i < r; i += 1) {
    const inBlock = i % k; // how many finished rows of this block precede row i
    for (let attempt = 0; ; attempt += 1) {
      for (let c = 0; c < k; c += 1) v[c] = rng.normal();
      for (let pass = 0; pass < 2; pass += 1) {
        for (let j = 0; j < inBlock; j += 1) {
          let dot = 0;
          for (let c = 0; c < k; c += 1) dot += (v[c] ?? 0) * (block[j * k + c] ?? 0);
          for (let c = 0; c < k; c += 1) v[c] = (v[c] ?? 0) - dot * (block[j * k + c] ?? 0);
        }
      }
      let sq = 0;
      for (let c = 0; c < k; c += 1) sq += (v[c] ?? 0) ** 2;
      const norm = Math.sqrt(sq);
      // A fresh Gaussian row has norm ~ sqrt(k - inBlock); far below that it lies in the span of the others.
      if (norm > 1e-6 * Math.sqrt(k) || attempt >= 16) {
        for (let c = 0; c < k; c += 1) {
          const unit = (v[c] ?? 0) / norm;
          block[inBlock * k + c] = unit;
          out[i * k + c] = unit * rowNorm;
        }
        break;
      }
    }
  }
  return out;
}
