// What one upload says about a link (docs/algorithms.md section 5.6). A few hundred bytes (a head-only update) are
// timed by round trips and by how busy the device is, not by the link's rate, so small or instant uploads say
// nothing. The coordinator's estimator and the participant's own deadline planning use the same rule.

export const MIN_MEASURABLE_UPLOAD_BYTES = 32 * 1024;
export const MIN_MEASURABLE_UPLOAD_MS = 20;

/** Bits/s of `bytes` sent in `ms`, or undefined when the upload is too small or too short to time the link. */
export function uploadRateBps(bytes: number, ms: number): number | undefined {
  return ms >= MIN_MEASURABLE_UPLOAD_MS && bytes >= MIN_MEASURABLE_UPLOAD_BYTES ? (8 * bytes * 1000) / ms : undefined;
}
