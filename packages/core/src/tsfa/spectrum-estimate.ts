// The predicted importance profile of a client (docs/algorithms.md section 5.6): an EWMA of the energy spectra it
// reported, starting from a geometric prior before its first report.

import { fail, ok, type Result } from "../result";
import { DEFAULT_EWMA_ALPHA } from "./ewma";

/**
 * Prior decay q: rank i of every module starts with energy proportional to q^i. 0.7 puts 54% of the energy in the
 * two leading ranks of r = 8 and 94% in the first six: the concentration SOFT's orthogonal components tend to
 * show, so a first-round budget keeps the leading ranks without assuming they are all that matters. Only the
 * shape matters to stage 2 (with equal component sizes the client's rule keeps the best-per-byte components
 * whichever indices they have), and the first reports replace it (0.7^t of the prior is left after t rounds with
 * alpha 0.3).
 */
export const DEFAULT_PRIOR_DECAY = 0.7;

/** q^i over i < rank, normalised to sum 1. */
export function geometricSpectrum(rank: number, decay = DEFAULT_PRIOR_DECAY): number[] {
  const raw = Array.from({ length: rank }, (_, i) => decay ** i);
  const total = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => x / total);
}

/** The prior over an adapter's components, module-major (module m, rank i at m * rank + i), summing to 1. */
export function geometricPrior(moduleCount: number, rank: number, decay = DEFAULT_PRIOR_DECAY): number[] {
  const perModule = geometricSpectrum(rank, decay).map((x) => x / moduleCount);
  return Array.from({ length: moduleCount }, () => perModule).flat();
}

/**
 * alpha * reported + (1 - alpha) * previous, component by component, after normalising the report to sum 1 (a
 * client reports raw s_i^2); the result sums to 1. A report of another length or without energy is refused.
 */
export function updateSpectrumEstimate(
  previous: readonly number[],
  reported: readonly number[],
  alpha = DEFAULT_EWMA_ALPHA,
): Result<number[]> {
  if (reported.length !== previous.length)
    return fail({ code: "spectrum-length", reason: `expected ${previous.length} energies, got ${reported.length}` });
  if (reported.some((e) => !(e >= 0 && Number.isFinite(e))))
    return fail({ code: "spectrum-value", reason: "energies must be finite and >= 0" });
  const total = reported.reduce((s, e) => s + e, 0);
  if (!(total > 0)) return fail({ code: "spectrum-empty", reason: "the report has no energy" });
  const blended = previous.map((p, i) => alpha * ((reported[i] ?? 0) / total) + (1 - alpha) * p);
  const sum = blended.reduce((s, x) => s + x, 0);
  return ok(blended.map((x) => x / sum));
}
