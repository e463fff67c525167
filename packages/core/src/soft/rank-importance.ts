// docs/algorithms.md section 3.1: per-rank importance s_i^2 = ||b'_i a'_i^T - b_i a_i^T||_F^2,
// in O(r (d + k)) without forming d x k.
import type { LoraModuleState } from "../lora/adapter-state";

/**
 * s_i^2 = |b'_i|^2 |a'_i|^2 + |b_i|^2 |a_i|^2 - 2 (b'_i . b_i)(a'_i . a_i), clamped at 0 (rounding can push an exact
 * 0 slightly negative). Accumulated in float64; the inputs are float32, so the absolute error is about
 * 1e-16 (|b'_i||a'_i| + |b_i||a_i|)^2. The LoRA scale alpha/r is left out: it multiplies every s_i^2 alike.
 */
export function rankImportance(
  before: LoraModuleState,
  after: LoraModuleState,
  d: number,
  k: number,
  r: number,
): Float64Array {
  const out = new Float64Array(r);
  for (let i = 0; i < r; i += 1) {
    let aa = 0;
    let aaNew = 0;
    let aCross = 0;
    for (let c = 0; c < k; c += 1) {
      const x = before.a[i * k + c] ?? 0;
      const y = after.a[i * k + c] ?? 0;
      aa += x * x;
      aaNew += y * y;
      aCross += x * y;
    }
    let bb = 0;
    let bbNew = 0;
    let bCross = 0;
    for (let row = 0; row < d; row += 1) {
      const x = before.b[row * r + i] ?? 0;
      const y = after.b[row * r + i] ?? 0;
      bb += x * x;
      bbNew += y * y;
      bCross += x * y;
    }
    out[i] = Math.max(0, bbNew * aaNew + bb * aa - 2 * bCross * aCross);
  }
  return out;
}
