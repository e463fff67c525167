import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dbToLinear, dbmToWatts, pathLossDb } from "./radio";
import { linearRate, shannonRate } from "./rates";

const n0 = dbmToWatts(-174);
const bandwidthHz = 20e6;
const gainAt = (distanceM: number): number => dbToLinear(-pathLossDb(distanceM));

describe("rate models", () => {
  it("caps the linear rate at the client's own capacity", () => {
    expect(linearRate(0.5, 10e6, 8e6)).toBe(5e6);
    expect(linearRate(1, 10e6, 8e6)).toBe(8e6);
    expect(linearRate(0, 10e6, 8e6)).toBe(0);
  });

  it("sends nothing with no share and W log2(1 + SNR) with the whole band", () => {
    const g = gainAt(500);
    expect(shannonRate(0, bandwidthHz, 0.2, g, n0)).toBe(0);
    const snr = (0.2 * g) / (n0 * bandwidthHz);
    expect(shannonRate(1, bandwidthHz, 0.2, g, n0)).toBeCloseTo(bandwidthHz * Math.log2(1 + snr), 3);
    // 7.22 dB over 20 MHz: about 53 Mbit/s at the cell edge; 33.5 dB at 100 m: about 222 Mbit/s.
    expect(shannonRate(1, bandwidthHz, 0.2, g, n0) / 1e6).toBeCloseTo(53.0, 0);
    expect(shannonRate(1, bandwidthHz, 0.2, gainAt(100), n0) / 1e6).toBeCloseTo(222.6, 0);
  });

  it("makes the Shannon rate increasing and concave in the share", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        fc.double({ min: 1e-4, max: 1, noNaN: true }),
        (distanceM, fading, s1, s2) => {
          const lo = Math.min(s1, s2);
          const hi = Math.max(s1, s2);
          fc.pre(hi - lo > 1e-6);
          const rate = (s: number): number => shannonRate(s, bandwidthHz, 0.2, gainAt(distanceM) * fading, n0);
          const mid = (lo + hi) / 2;
          expect(rate(hi)).toBeGreaterThan(rate(lo));
          // Concave: the midpoint lies on or above the chord.
          expect(rate(mid)).toBeGreaterThanOrEqual(((rate(lo) + rate(hi)) / 2) * (1 - 1e-12));
        },
      ),
    );
  });
});
