import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { geometricPrior, geometricSpectrum, updateSpectrumEstimate } from "./spectrum-estimate";

describe("importance spectrum estimate", () => {
  it("builds a normalised geometric prior, the same decay in every module", () => {
    const spectrum = geometricSpectrum(8, 0.7);
    expect(spectrum.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect((spectrum[0] ?? 0) + (spectrum[1] ?? 0)).toBeCloseTo(0.541, 3);
    expect((spectrum[3] ?? 0) / (spectrum[2] ?? 1)).toBeCloseTo(0.7, 12);
    const prior = geometricPrior(3, 4, 0.5);
    expect(prior).toHaveLength(12);
    expect(prior.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    expect(prior[4]).toBeCloseTo(prior[0] ?? 0, 12);
  });

  it("blends normalised reports into a spectrum that sums to 1 and converges to a steady report", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 2, maxLength: 16 }), (report) => {
        fc.pre(report.some((e) => e > 0));
        let estimate = geometricSpectrum(report.length);
        for (let round = 0; round < 80; round += 1) {
          const next = updateSpectrumEstimate(estimate, report);
          if (!next.ok) throw new Error(next.error.reason);
          expect(next.value.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
          estimate = next.value;
        }
        const total = report.reduce((s, e) => s + e, 0);
        estimate.forEach((x, i) => {
          expect(x).toBeCloseTo((report[i] ?? 0) / total, 6);
        });
      }),
    );
  });

  it("refuses a report of another length or without energy", () => {
    expect(updateSpectrumEstimate([0.5, 0.5], [1]).ok).toBe(false);
    expect(updateSpectrumEstimate([0.5, 0.5], [0, 0]).ok).toBe(false);
    expect(updateSpectrumEstimate([0.5, 0.5], [1, Number.NaN]).ok).toBe(false);
  });
});
