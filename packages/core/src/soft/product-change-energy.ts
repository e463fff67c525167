// The exact energy ||B'A' - BA||_F^2 of a low-rank change (docs/algorithms.md section 3.2), without forming d x k: used
// to report exactly what a sparsified update loses (soft and topk) and to check the s_i^2 estimate.
import type { LoraModuleState } from "../lora/adapter-state";

/**
 * ||B'A' - BA||_F^2 for A r x k and B d x r. Writes the change as B'U + VA with U = A' - A and V = B' - B (no
 * cancellation between the large B'A' and BA), then
 *   ||B'U + VA||^2 = <B'^T B', U U^T> + 2 <B'^T V, U A^T> + <V^T V, A A^T>
 * with r x r Gram matrices: O(r^2 (d + k)) time, O(r^2) memory. Float64, clamped at 0.
 */
export function productChangeEnergy(
  before: LoraModuleState,
  after: LoraModuleState,
  d: number,
  k: number,
  r: number,
): number {
  const bb = new Float64Array(r * r); // B'^T B'
  const bv = new Float64Array(r * r); // B'^T V
  const vv = new Float64Array(r * r); // V^T V
  for (let row = 0; row < d; row += 1) {
    const base = row * r;
    for (let i = 0; i < r; i += 1) {
      const bi = after.b[base + i] ?? 0;
      const vi = bi - (before.b[base + i] ?? 0);
      for (let j = 0; j < r; j += 1) {
        const bj = after.b[base + j] ?? 0;
        const vj = bj - (before.b[base + j] ?? 0);
        bb[i * r + j] = (bb[i * r + j] ?? 0) + bi * bj;
        bv[i * r + j] = (bv[i * r + j] ?? 0) + bi * vj;
        vv[i * r + j] = (vv[i * r + j] ?? 0) + vi * vj;
      }
    }
  }
  let energy = 0;
  for (let i = 0; i < r; i += 1) {
    for (let j = 0; j < r; j += 1) {
      let uu = 0; // (U U^T)_ij
      let ua = 0; // (U A^T)_ij
      let aa = 0; // (A A^T)_ij
      for (let c = 0; c < k; c += 1) {
        const ai = before.a[i * k + c] ?? 0;
        const aj = before.a[j * k + c] ?? 0;
        const ui = (after.a[i * k + c] ?? 0) - ai;
        const uj = (after.a[j * k + c] ?? 0) - aj;
        uu += ui * uj;
        ua += ui * aj;
        aa += ai * aj;
      }
      energy += (bb[i * r + j] ?? 0) * uu + 2 * (bv[i * r + j] ?? 0) * ua + (vv[i * r + j] ?? 0) * aa;
    }
  }
  return Math.max(0, energy);
}
