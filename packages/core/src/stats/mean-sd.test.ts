import { describe, expect, it } from "vitest";
import { meanAndSd } from "./mean-sd";

describe("meanAndSd", () => {
  it("gives the mean and the sample standard deviation, 0 for one value and NaN for none", () => {
    const { mean, sd } = meanAndSd([0.9, 0.8]);
    expect(mean).toBeCloseTo(0.85, 12);
    expect(sd).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(meanAndSd([3])).toEqual({ mean: 3, sd: 0 });
    expect(meanAndSd([])).toEqual({ mean: Number.NaN, sd: Number.NaN });
  });
});
