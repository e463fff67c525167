import { describe, expect, it } from "vitest";
import { ewma, updateLinkEstimate } from "./ewma";

describe("EWMA estimators", () => {
  it("starts an EWMA at its first sample and moves alpha of the way to each new one", () => {
    expect(ewma(undefined, 5)).toBe(5);
    expect(ewma(10, 20, 0.3)).toBeCloseTo(13, 12);
    let estimate: number | undefined;
    for (let i = 0; i < 60; i += 1) estimate = ewma(estimate, 7);
    expect(estimate).toBeCloseTo(7, 12);
  });

  it("keeps a link estimate's field when that measurement is missing", () => {
    const start = { uplinkBps: 1e6, computeSec: 2 };
    expect(updateLinkEstimate(start, { uplinkBps: 2e6 }, 0.5)).toEqual({ uplinkBps: 1.5e6, computeSec: 2 });
    expect(updateLinkEstimate(start, { computeSec: 4 }, 0.5)).toEqual({ uplinkBps: 1e6, computeSec: 3 });
  });
});
