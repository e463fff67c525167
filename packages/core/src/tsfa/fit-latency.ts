// The shortest round in which fixed payloads all fit in the shared uplink (docs/algorithms.md section 5.4): the
// smallest T with sum_n beta_n(T) <= 1, where beta_n(T) is the share client n needs to send its bits within T - tau_n.

import { rateBps, requiredShare, type RateModel } from "./rate-model";

export interface UploadJob {
  readonly tauSec: number;
  readonly rate: RateModel;
  readonly bits: number;
}

/** The latest finish if every job had the whole uplink to itself: no round can be shorter. */
export function aloneLatency(jobs: readonly UploadJob[], totalBandwidth: number): number {
  let lo = 0;
  for (const job of jobs) {
    const uploadSec = job.bits > 0 ? job.bits / rateBps(job.rate, 1, totalBandwidth) : 0;
    lo = Math.max(lo, job.tauSec + uploadSec);
  }
  return lo;
}

/**
 * Root of g(T) = sum_n beta_n(T) - 1, which decreases in T (feasibility is monotone). The bracket starts at
 * aloneLatency and at `upperSec` (a T known to fit) or doubles until everything fits. Inside it the Illinois
 * variant of regula falsi converges superlinearly (about 10 sums instead of 40 for bisection); a bisection step
 * replaces it while g is infinite (a linear client above its capacity). Returns a T at which the jobs fit, within
 * `relativeTolerance` of the smallest.
 */
export function fitRoundLatency(
  jobs: readonly UploadJob[],
  totalBandwidth: number,
  upperSec?: number,
  relativeTolerance = 1e-10,
): number {
  const excess = (t: number): number => {
    let sum = 0;
    for (const job of jobs) sum += requiredShare(job.rate, totalBandwidth, job.bits, t - job.tauSec);
    return sum - 1;
  };
  let lo = aloneLatency(jobs, totalBandwidth);
  let gLo = excess(lo);
  if (gLo <= 0) return lo;
  let hi = upperSec ?? Math.max(2 * lo, 1e-9);
  let gHi = excess(hi);
  while (gHi > 0) {
    lo = hi;
    gLo = gHi;
    hi *= 2;
    gHi = excess(hi);
  }
  let side = 0;
  for (let iter = 0; iter < 200 && hi - lo > relativeTolerance * hi; iter += 1) {
    const t = Number.isFinite(gLo) ? (lo * gHi - hi * gLo) / (gHi - gLo) : (lo + hi) / 2;
    const mid = t > lo && t < hi ? t : (lo + hi) / 2;
    const g = excess(mid);
    if (g > 0) {
      lo = mid;
      gLo = g;
      // Illinois: when the same end moves twice, halve the other end's weight so the bracket keeps shrinking.
      if (side === -1) gHi /= 2;
      side = -1;
    } else {
      hi = mid;
      gHi = g;
      if (side === 1) gLo /= 2;
      side = 1;
    }
  }
  return hi;
}
