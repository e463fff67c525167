import { createRng } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { cosineLearningRate } from "./lr-schedule";
import { consecutiveWindows, randomWindows } from "./lm-windows";

describe("LM windows and schedule", () => {
  it("cuts random windows that are contiguous slices of the stream", () => {
    const stream = Int32Array.from({ length: 100 }, (_, i) => i);
    const windows = randomWindows(stream, 9, 20, createRng(1));
    for (let w = 0; w < 20; w += 1) {
      const first = windows[w * 9] ?? -1;
      expect([...windows.subarray(w * 9, w * 9 + 9)]).toEqual(Array.from({ length: 9 }, (_, i) => first + i));
      expect(first + 8).toBeLessThan(100);
    }
  });

  it("takes non-overlapping evaluation windows from the start", () => {
    const stream = Int32Array.from({ length: 25 }, (_, i) => i);
    expect([...consecutiveWindows(stream, 10, 5)]).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("warms up linearly to the peak, then decays to the floor", () => {
    expect(cosineLearningRate(0, 100, 1, 10)).toBeCloseTo(0.1);
    expect(cosineLearningRate(9, 100, 1, 10)).toBeCloseTo(1);
    expect(cosineLearningRate(100, 100, 1, 10)).toBeCloseTo(0.1);
    expect(cosineLearningRate(55, 100, 1, 10)).toBeCloseTo(0.55);
  });
});
