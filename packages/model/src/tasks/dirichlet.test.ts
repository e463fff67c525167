import { describe, expect, it } from "vitest";
import { createRng } from "@airlora/core";
import { sampleDirichlet, sampleLogGamma } from "./dirichlet";

describe("gamma and dirichlet sampling", () => {
  it.each([0.05, 0.5, 1, 3.5])("draws Gamma(%s) with mean and variance equal to the shape", (shape) => {
    const rng = createRng(11);
    const n = 40_000;
    const xs = Array.from({ length: n }, () => Math.exp(sampleLogGamma(shape, rng)));
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / n;
    expect(mean).toBeCloseTo(shape, 1);
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.1);
  });

  it("returns proportions that sum to one, average 1/n, and stay finite for a tiny alpha", () => {
    const rng = createRng(5);
    const sums = new Float64Array(4);
    for (let t = 0; t < 2000; t += 1) {
      const p = sampleDirichlet(0.3, 4, rng);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      p.forEach((x, i) => (sums[i] = (sums[i] ?? 0) + x));
    }
    for (const s of sums) expect(s / 2000).toBeCloseTo(0.25, 1);
    const tiny = sampleDirichlet(1e-3, 10, rng);
    expect(tiny.every((x) => Number.isFinite(x) && x >= 0)).toBe(true);
    expect(tiny.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
