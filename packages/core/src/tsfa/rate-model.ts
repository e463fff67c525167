// How a participant's uplink rate depends on its bandwidth share (docs/algorithms.md section 5.3), and the inverse TSFA
// needs: the smallest share that carries a payload within a time.

import { linearRate, shannonRate } from "../channel/rates";

/**
 * linear: a real client, R = min(share W, C_n), W in bits/s.
 * shannon: a simulated client, R = share W log2(1 + p g / (share W N0)), W in Hz.
 */
export type RateModel =
  | { readonly kind: "linear"; readonly capacityBps: number }
  | {
      readonly kind: "shannon";
      readonly powerW: number;
      readonly gain: number;
      readonly noisePsdWPerHz: number;
    };

/** Bits per second with `share` of the shared uplink `totalBandwidth` (W: bits/s for linear, Hz for Shannon). */
export function rateBps(model: RateModel, share: number, totalBandwidth: number): number {
  switch (model.kind) {
    case "linear":
      return linearRate(share, totalBandwidth, model.capacityBps);
    case "shannon":
      return shannonRate(share, totalBandwidth, model.powerW, model.gain, model.noisePsdWPerHz);
    default:
      return model satisfies never;
  }
}

/** The largest share worth giving: beyond C_n / W a linear client gets no faster; a Shannon client always does. */
export function usefulShareCap(model: RateModel, totalBandwidth: number): number {
  return model.kind === "linear" ? Math.min(1, model.capacityBps / totalBandwidth) : 1;
}

/**
 * The smallest share in [0, 1] with which the client sends `bits` within `seconds` (docs/algorithms.md section 5.4: a
 * budget option's bandwidth cost at a fixed round latency), or Infinity if even the whole uplink is not enough.
 */
export function requiredShare(model: RateModel, totalBandwidth: number, bits: number, seconds: number): number {
  if (bits <= 0) return 0;
  if (!(seconds > 0)) return Infinity;
  const rate = bits / seconds;
  switch (model.kind) {
    case "linear": {
      const share = rate / totalBandwidth;
      return rate <= model.capacityBps && share <= 1 ? share : Infinity;
    }
    case "shannon":
      return shannonShare(rate, totalBandwidth, (model.powerW * model.gain) / (model.noisePsdWPerHz * totalBandwidth));
    default:
      return model satisfies never;
  }
}

/**
 * Solves beta ln(1 + a / beta) = y for beta in (0, 1], with y = rate ln2 / W and a the full-band SNR. The left
 * side f is increasing and concave with f(0) = 0, so f(beta) >= beta f(1) and y / f(1) is an upper bound of the
 * root: a good first guess. Newton from the right lands at or left of the root, and from the left climbs
 * monotonically to it (quadratically); once it has converged, one probe just to the right closes the bracket.
 * Bisection guards any step that leaves the bracket. About 4 logarithms instead of 50 for plain bisection, which
 * matters: this is the innermost loop of stage 2 (per client, per budget option, per candidate round latency).
 * Returns the bracket's upper end: a share that is always enough, within 1e-10 (relative) of the exact one.
 */
function shannonShare(rateBitsPerSec: number, bandwidthHz: number, snrFullBand: number): number {
  const y = (rateBitsPerSec * Math.LN2) / bandwidthHz;
  const full = Math.log1p(snrFullBand);
  if (full < y) return Infinity;
  let lo = 0;
  let hi = 1;
  let x = Math.min(1, y / full);
  for (let iter = 0; iter < 200; iter += 1) {
    const log = Math.log1p(snrFullBand / x);
    const gap = x * log - y;
    if (gap >= 0) hi = x;
    else lo = x;
    if (hi - lo <= 1e-10 * hi) break;
    let next = x - gap / (log - snrFullBand / (x + snrFullBand));
    if (gap < 0 && Math.abs(next - x) <= 1e-11 * x) next = x * (1 + 5e-11);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    x = next;
  }
  return hi;
}
