// Gamma and symmetric Dirichlet sampling from the seeded Rng (Marsaglia-Tsang). Small shapes (alpha << 1, strong
// label skew) are drawn in log space, so the proportions never underflow to 0/0.
import type { Rng } from "@airlora/core";

/** log of a Gamma(shape, 1) draw, shape > 0. */
export function sampleLogGamma(shape: number, rng: Rng): number {
  if (!(shape > 0)) throw new RangeError(`gamma shape ${shape} must be positive`);
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) * U^(1/a)
    const u = 1 - rng.next(); // (0, 1]
    return sampleLogGamma(shape + 1, rng) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x = rng.normal();
    let v = 1 + c * x;
    while (v <= 0) {
      x = rng.normal();
      v = 1 + c * x;
    }
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** Proportions p ~ Dirichlet(alpha, ..., alpha) over `n` categories: p_i >= 0, sum p_i = 1. */
export function sampleDirichlet(alpha: number, n: number, rng: Rng): Float64Array {
  const logs = Float64Array.from({ length: n }, () => sampleLogGamma(alpha, rng));
  const max = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - max));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}
