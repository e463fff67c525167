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
  return shareFor(uploadWindow(model, totalBandwidth, seconds), bits);
}

/**
 * What requiredShare needs of one client and one upload time, worked out once for all of its budget options. Every
 * share goes through shareFor(uploadWindow(...), bits), so the knapsack pricing all options at one latency, the
 * latency fit and the final schedule compute bit-identical shares (stage2.ts relies on that at T_max).
 */
export interface UploadWindow {
  readonly kind: RateModel["kind"];
  readonly seconds: number;
  readonly totalBandwidth: number;
  /** linear: the client's own ceiling C_n. */
  readonly capacityBps: number;
  /** shannon: the full-band SNR a = p g / (W N0). */
  readonly snr: number;
  /** shannon: y per bit sent, y = bits ln2 / (W seconds) (see shannonShare). */
  readonly yPerBit: number;
  /** shannon: ln(a / yPerBit), so that ln k = this - ln bits costs no logarithm per option. */
  readonly logKPerBit: number;
}

export function uploadWindow(model: RateModel, totalBandwidth: number, seconds: number): UploadWindow {
  switch (model.kind) {
    case "linear":
      return {
        kind: "linear",
        seconds,
        totalBandwidth,
        capacityBps: model.capacityBps,
        snr: 0,
        yPerBit: 0,
        logKPerBit: 0,
      };
    case "shannon": {
      const snr = (model.powerW * model.gain) / (model.noisePsdWPerHz * totalBandwidth);
      const yPerBit = Math.LN2 / (totalBandwidth * seconds);
      return {
        kind: "shannon",
        seconds,
        totalBandwidth,
        capacityBps: 0,
        snr,
        yPerBit,
        logKPerBit: Math.log(snr / yPerBit),
      };
    }
    default:
      return model satisfies never;
  }
}

/**
 * requiredShare for `bits` within the window's time. `logBits` (ln bits) may come from a cache; it only steers the
 * first guess of a Shannon share and is computed here when absent, so a cached value gives the same share.
 */
export function shareFor(window: UploadWindow, bits: number, logBits?: number): number {
  if (bits <= 0) return 0;
  if (!(window.seconds > 0)) return Infinity;
  if (window.kind === "linear") {
    const rate = bits / window.seconds;
    const share = rate / window.totalBandwidth;
    return rate <= window.capacityBps && share <= 1 ? share : Infinity;
  }
  return shannonShare(bits * window.yPerBit, window.snr, window.logKPerBit - (logBits ?? Math.log(bits)));
}

/**
 * How fast the share falls as the time grows, -d share / d seconds at the window's time, for the share `share` that
 * shareFor gave these bits. Scaled down a little so that it never exceeds the true rate: the share is convex and
 * decreasing in the time (linear: bits / (W s); Shannon: the inverse of the concave f(beta) = beta ln(1 + a / beta)
 * of y ~ 1 / s), so its tangent with this slope lies below it at every shorter time (latency-search.ts uses that).
 * 0 where the derivative cannot be trusted (a Shannon client at an SNR below 0.01 in its band).
 */
export function shareSlope(window: UploadWindow, bits: number, share: number): number {
  if (!(share > 0 && share < Infinity && window.seconds > 0)) return 0;
  if (window.kind === "linear") return (share / window.seconds) * (1 - 1e-9);
  const y = bits * window.yPerBit;
  const snr = window.snr / share;
  if (!(snr > 1e-2)) return 0;
  // f'(beta) = ln(1 + a / beta) - a / (beta + a), with ln(1 + a / beta) = y / beta (shareFor's root, to ~1e-12).
  const derivative = y / share - snr / (1 + snr);
  return derivative > 0 ? (y / window.seconds / derivative) * 0.999 : 0;
}

/**
 * Solves beta ln(1 + a / beta) = y for beta in (0, 1], with y = rate ln2 / W and a the full-band SNR (the innermost
 * loop of stage 2: per client, per budget option, per candidate round latency). Written in the spectral efficiency
 * L = ln(1 + a / beta) (nats/s/Hz), the root is beta* = y / L*, where L* solves g(L) = L - ln(1 + k L) = 0 with
 * k = a / y. Since f(beta) = beta ln(1 + a / beta) < a for every beta, there is no root unless k > 1. L* depends on
 * k alone, so a table of L*(ln k) (`efficiencyTable`) gives a first guess within about 1e-9, and one Halley step
 * (g is convex) finishes: one logarithm per share (ln k comes from the window and a cached ln bits) where the
 * bracketed Newton below takes about 8. The answer is the root's upper side, a share that is always enough, within about 1e-12 (relative) of the exact
 * one.
 *
 * Near k = 1 (a weak client given almost the whole band) L* ~ 2 (k - 1) is ill-conditioned in k, so there, and if
 * Halley does not settle, the bracketed Newton in beta does the work.
 */
function shannonShare(y: number, snrFullBand: number, logK: number): number {
  const k = snrFullBand / y;
  if (!(k > 1)) return Infinity;
  const efficiency = k >= WELL_CONDITIONED_K && k < Infinity ? spectralEfficiency(k, logK) : undefined;
  if (efficiency === undefined) return bracketedShannonShare(y, snrFullBand);
  const share = y / efficiency;
  if (share <= 1) return share;
  // Past the whole band only by the safety margin: the whole band is enough exactly when f(1) >= y.
  return Math.log1p(snrFullBand) >= y ? 1 : Infinity;
}

/** Below this k (= a / y) the efficiency form loses digits (about 1e-3 / (k - 1) ulps): see shannonShare. */
const WELL_CONDITIONED_K = 1.001;
const MAX_HALLEY_STEPS = 16;

/**
 * L* with g(L*) = 0, g(L) = L - ln(1 + k L), minus a margin that puts it at or below the root (so y / L is at or
 * above beta*); undefined if Halley's method does not settle. g' = 1 - q and g'' = q^2 with q = k / (1 + k L); g is
 * convex with its minimum at L = (k - 1) / k, left of L* (its other root is 0). Right of that minimum a Newton step
 * never crosses below L*; a Halley step that would is replaced by Newton's. Near the root Newton's error after a
 * step s is at most about (g'' / 2 g') s^2 and Halley's is smaller, so the loop stops once (g'' / g') s^2 <= 1e-13 L
 * and subtracts twice that, plus the few ulps of rounding in g divided by g'.
 */
function spectralEfficiency(k: number, logK: number): number | undefined {
  const lowest = (k - 1) / k;
  let l = efficiencyGuess(logK);
  for (let iter = 0; iter < MAX_HALLEY_STEPS; iter += 1) {
    const kl = k * l;
    const q = k / (1 + kl);
    const slope = 1 - q;
    if (!(slope > 0)) {
      // At or left of g's minimum (a poor guess): the root lies to the right.
      l = 2 * Math.max(l, lowest);
      continue;
    }
    const g = l - Math.log1p(kl);
    const curvature = q * q;
    const halleyDenominator = 2 * slope * slope - g * curvature;
    let step = halleyDenominator > 0 ? (2 * g * slope) / halleyDenominator : g / slope;
    if (!(l - step > lowest)) step = g / slope;
    l -= step;
    // slope times Newton's error bound, so that the test needs no division.
    const error = curvature * step * step;
    if (error <= 1e-13 * l * slope && Math.abs(step) <= 1e-4 * l)
      return l - (2 * error + 4 * Number.EPSILON * l) / slope;
  }
  return undefined;
}

/** ln k from 0 to EFFICIENCY_TABLE_MAX_LOG_K in steps of 1 / EFFICIENCY_TABLE_STEPS_PER_UNIT. */
const EFFICIENCY_TABLE_STEPS_PER_UNIT = 16;
const EFFICIENCY_TABLE_MAX_LOG_K = 64;

/**
 * L*(u) and its derivative dL* / du at u = ln k = i / 16, for a cubic Hermite guess. Differentiating
 * L = ln(1 + e^u L) gives dL / du = q L / (1 - q), q = k / (1 + k L); at u = 0 (L* = 0) the limit of
 * L* ~ 2 (k - 1) / k^2 gives slope 2. Built once at load: about 1,000 roots, a fraction of a millisecond.
 */
const efficiencyTable = ((): { value: Float64Array; slope: Float64Array } => {
  const count = EFFICIENCY_TABLE_MAX_LOG_K * EFFICIENCY_TABLE_STEPS_PER_UNIT + 1;
  const value = new Float64Array(count);
  const slope = new Float64Array(count);
  slope[0] = 2;
  for (let i = 1; i < count; i += 1) {
    const u = i / EFFICIENCY_TABLE_STEPS_PER_UNIT;
    const k = Math.exp(u);
    // max(1, 2u) lies right of the root (L* < 1 for small u, L* ~ u + ln u otherwise), where Newton on the convex g
    // descends monotonically to it.
    let l = Math.max(1, 2 * u);
    for (let iter = 0; iter < 200; iter += 1) {
      const next = l - (l - Math.log1p(k * l)) / (1 - k / (1 + k * l));
      if (!(next < l)) break;
      l = next;
    }
    const q = k / (1 + k * l);
    value[i] = l;
    slope[i] = (q * l) / (1 - q);
  }
  return { value, slope };
})();

/**
 * A first guess of L* from u ~ ln k (k >= WELL_CONDITIONED_K): cubic Hermite interpolation in the table, or beyond
 * it the asymptote L = ln(1 + k L) ~ u + ln(u + ln u). Only the number of Halley steps depends on it.
 */
function efficiencyGuess(u: number): number {
  const x = u * EFFICIENCY_TABLE_STEPS_PER_UNIT;
  const i = Math.floor(x);
  const { value, slope } = efficiencyTable;
  if (!(i >= 0 && i + 1 < value.length)) return u + Math.log(u + Math.log(u));
  const t = x - i;
  const h = 1 / EFFICIENCY_TABLE_STEPS_PER_UNIT;
  const t2 = t * t;
  const t3 = t2 * t;
  return (
    (2 * t3 - 3 * t2 + 1) * (value[i] ?? 0) +
    (t3 - 2 * t2 + t) * h * (slope[i] ?? 0) +
    (3 * t2 - 2 * t3) * (value[i + 1] ?? 0) +
    (t3 - t2) * h * (slope[i + 1] ?? 0)
  );
}

/**
 * The same root by Newton in beta inside a bracket (for k near 1). f(beta) = beta ln(1 + a / beta) is increasing
 * and concave with f(0) = 0, so f(beta) >= beta f(1) and y / f(1) is an upper bound of the root: a good first
 * guess. Newton from the right lands at or left of the root, and from the left climbs monotonically to it
 * (quadratically); once it has converged, one probe just to the right closes the bracket. Bisection guards any step
 * that leaves the bracket. Returns the bracket's upper end: a share that is always enough, within 1e-10 (relative).
 */
function bracketedShannonShare(y: number, snrFullBand: number): number {
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
