import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dbToLinear, dbmToWatts, pathLossDb } from "../channel/radio";
import { rateBps, requiredShare, shareSlope, uploadWindow, usefulShareCap, type RateModel } from "./rate-model";

const shannonAt = (distanceM: number, fading: number): RateModel => ({
  kind: "shannon",
  powerW: 0.2,
  gain: dbToLinear(-pathLossDb(distanceM)) * fading,
  noisePsdWPerHz: dbmToWatts(-174),
});

describe("rate model inverse", () => {
  it("finds the smallest Shannon share that carries the bits in time", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.double({ min: 1e3, max: 1e8, noNaN: true }),
        fc.double({ min: 1e-3, max: 10, noNaN: true }),
        (distanceM, fading, bits, seconds) => {
          const model = shannonAt(distanceM, fading);
          const share = requiredShare(model, 20e6, bits, seconds);
          if (share === Infinity) {
            expect(rateBps(model, 1, 20e6) * seconds).toBeLessThan(bits);
            return;
          }
          expect(share).toBeGreaterThan(0);
          expect(share).toBeLessThanOrEqual(1);
          expect(rateBps(model, share, 20e6) * seconds).toBeGreaterThanOrEqual(bits * (1 - 1e-12));
          expect(rateBps(model, share * (1 - 1e-9), 20e6) * seconds).toBeLessThan(bits);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("matches a 200-step bisection within 1e-10 from tiny shares to the whole band, weak to strong clients", () => {
    // SNR over the whole band from 1e-3 to 1e9 and target shares from 1e-7 to 0.998: the table-and-Halley path (many
    // clients: small shares, high SNR), its asymptote beyond the table, and the bracketed fallback near k = 1.
    fc.assert(
      fc.property(
        fc.double({ min: -3, max: 9, noNaN: true }),
        fc.double({ min: -7, max: -1e-3, noNaN: true }),
        (log10Snr, log10Share) => {
          const bandwidthHz = 1e6;
          const model: RateModel = {
            kind: "shannon",
            powerW: 1,
            gain: 10 ** log10Snr,
            noisePsdWPerHz: 1 / bandwidthHz,
          };
          const bits = rateBps(model, 10 ** log10Share, bandwidthHz);
          let lo = 0;
          let hi = 1;
          for (let i = 0; i < 200; i += 1) {
            const mid = (lo + hi) / 2;
            if (rateBps(model, mid, bandwidthHz) >= bits) hi = mid;
            else lo = mid;
          }
          const share = requiredShare(model, bandwidthHz, bits, 1);
          expect(Math.abs(share - hi)).toBeLessThanOrEqual(1e-10 * hi);
          expect(rateBps(model, share, bandwidthHz)).toBeGreaterThanOrEqual(bits * (1 - 1e-13));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("gives the share's rate of fall in the time from below, a tangent that stays under the convex share", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1, max: 7, noNaN: true }),
        fc.double({ min: -5, max: -0.5, noNaN: true }),
        fc.boolean(),
        (log10Snr, log10Share, linear) => {
          const bandwidthHz = 1e6;
          const model: RateModel = linear
            ? { kind: "linear", capacityBps: 1e9 }
            : { kind: "shannon", powerW: 1, gain: 10 ** log10Snr, noisePsdWPerHz: 1 / bandwidthHz };
          const seconds = 2;
          const bits = rateBps(model, 10 ** log10Share, bandwidthHz) * seconds;
          const share = (s: number): number => requiredShare(model, bandwidthHz, bits, s);
          const slope = shareSlope(uploadWindow(model, bandwidthHz, seconds), bits, share(seconds));
          const h = 1e-4 * seconds;
          // Convex and decreasing: the secant to the left is at least as steep as the tangent, the one to the right
          // at most; the slope may only be a little flatter than the tangent (0.1% for Shannon).
          expect(slope).toBeLessThanOrEqual((share(seconds - h) - share(seconds)) / h);
          expect(slope).toBeGreaterThanOrEqual(0.998 * ((share(seconds) - share(seconds + h)) / h));
          for (const earlier of [0.1, 0.5, 1.5]) {
            expect(share(seconds) + slope * earlier).toBeLessThanOrEqual(share(seconds - earlier) * (1 + 1e-9));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("needs share rate / W of a linear client and nothing beyond its capacity", () => {
    const model: RateModel = { kind: "linear", capacityBps: 4e6 };
    expect(requiredShare(model, 10e6, 2e6, 1)).toBeCloseTo(0.2, 12);
    expect(requiredShare(model, 10e6, 5e6, 1)).toBe(Infinity);
    expect(requiredShare(model, 10e6, 0, 1)).toBe(0);
    expect(requiredShare(model, 10e6, 1, 0)).toBe(Infinity);
    expect(usefulShareCap(model, 10e6)).toBeCloseTo(0.4, 12);
    expect(usefulShareCap(shannonAt(100, 1), 20e6)).toBe(1);
  });
});
