// What stage 2 does with bandwidth nobody needs (docs/algorithms.md section 5.4, step 4).

/**
 * The round has already been shortened until the chosen budgets fill the uplink; share is left over only when
 * the round is pinned by something more share cannot fix (a linear client at its own capacity C_n). That rest is
 * given to the others in proportion to their shares (equally if all are 0), never beyond a client's useful cap,
 * repeating until it is spent or everyone is capped: they finish early, which is slack against wrong predictions.
 */
export function spreadLeftover(
  shares: readonly number[],
  caps: readonly number[],
  included: readonly boolean[],
): number[] {
  const out = [...shares];
  for (let pass = 0; pass <= out.length; pass += 1) {
    const leftover = 1 - out.reduce((s, x) => s + x, 0);
    const open = out.flatMap((share, n) => (included[n] === true && share < (caps[n] ?? 0) ? [n] : []));
    if (leftover <= 1e-12 || open.length === 0) break;
    const weight = open.reduce((s, n) => s + (out[n] ?? 0), 0);
    for (const n of open) {
      const portion = weight > 0 ? (out[n] ?? 0) / weight : 1 / open.length;
      out[n] = Math.min(caps[n] ?? 0, (out[n] ?? 0) + leftover * portion);
    }
  }
  return out;
}
