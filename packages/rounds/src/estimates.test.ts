import { describe, expect, it } from "vitest";
import { nextUplinkEstimate } from "./estimates";

describe("uplink estimate", () => {
  it("learns a lower capacity only from an upload that fell short of its pace", () => {
    // 100 kB in 1 s = 800 kbit/s while paced at 1.2 Mbit/s: the link limited it.
    expect(nextUplinkEstimate(2_000_000, 100_000, 1000, 1_200_000)).toBeCloseTo(0.3 * 800_000 + 0.7 * 2_000_000);
    // The same upload paced at 850 kbit/s ran at the pace: the capacity is at least the estimate.
    expect(nextUplinkEstimate(2_000_000, 100_000, 1000, 850_000)).toBe(2_000_000);
  });

  it("raises the estimate when an upload ran faster than it", () => {
    expect(nextUplinkEstimate(100_000, 100_000, 1000, 1_000_000)).toBeCloseTo(0.3 * 800_000 + 0.7 * 100_000);
  });

  it("ignores uploads too small or too short to time", () => {
    expect(nextUplinkEstimate(100_000, 100_000, 5, 1_000_000)).toBe(100_000);
    expect(nextUplinkEstimate(100_000, 840, 500, 1_000_000)).toBe(100_000);
  });
});
