// docs/algorithms.md section 3.2: the share of update energy lost by dropping components,
// E = sum_dropped s_i^2 / sum_all s_i^2.

/**
 * `importance[i]` is s_i^2, `kept[i]` whether component i is sent. 0 when the total energy is 0 (nothing to lose).
 * Exact for mutually orthogonal rank-1 changes; see soft/README.md for the bound when they are only near-orthogonal.
 */
export function energyLost(importance: ArrayLike<number>, kept: ArrayLike<boolean>): number {
  let total = 0;
  let dropped = 0;
  for (let i = 0; i < importance.length; i += 1) {
    const s2 = importance[i] ?? 0;
    total += s2;
    if (kept[i] !== true) dropped += s2;
  }
  return total > 0 ? dropped / total : 0;
}
