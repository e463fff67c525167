// Exponentially weighted moving averages for the coordinator's per-client predictions (docs/algorithms.md section 5.6):
// uplink capacity C_n (from the join-time probe and every real upload) and compute + download time tau_n.

/**
 * Weight of the newest sample. 0.3 follows a change within about 3 rounds (0.7^3 = 34% of the old value left)
 * while one odd round (a background tab, a passing microwave oven) moves the estimate by only 30%.
 */
export const DEFAULT_EWMA_ALPHA = 0.3;

/** alpha * sample + (1 - alpha) * previous; the first sample is taken as is. */
export function ewma(previous: number | undefined, sample: number, alpha = DEFAULT_EWMA_ALPHA): number {
  return previous === undefined ? sample : alpha * sample + (1 - alpha) * previous;
}

/** What the coordinator predicts for one client; both fields are EWMAs of measurements. */
export interface LinkEstimate {
  readonly uplinkBps: number;
  readonly computeSec: number;
}

/** Folds one round's measurements (either may be missing: a probe has no compute time) into the estimate. */
export function updateLinkEstimate(
  previous: LinkEstimate,
  measured: { readonly uplinkBps?: number; readonly computeSec?: number },
  alpha = DEFAULT_EWMA_ALPHA,
): LinkEstimate {
  return {
    uplinkBps:
      measured.uplinkBps === undefined ? previous.uplinkBps : ewma(previous.uplinkBps, measured.uplinkBps, alpha),
    computeSec:
      measured.computeSec === undefined ? previous.computeSec : ewma(previous.computeSec, measured.computeSec, alpha),
  };
}
