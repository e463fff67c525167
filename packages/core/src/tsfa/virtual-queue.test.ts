import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextVirtualQueue } from "./virtual-queue";

describe("latency virtual queue", () => {
  it("adds the overrun and never goes below zero", () => {
    expect(nextVirtualQueue(1, 2.5, 2)).toBeCloseTo(1.5, 12);
    expect(nextVirtualQueue(1, 1.5, 2)).toBeCloseTo(0.5, 12);
    expect(nextVirtualQueue(0.2, 1, 2)).toBe(0);
  });

  it("bounds the time-average latency by the budget plus the final queue over the number of rounds", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (latencies, budget) => {
          let queue = 0;
          for (const latency of latencies) {
            const next = nextVirtualQueue(queue, latency, budget);
            expect(next).toBeGreaterThanOrEqual(0);
            queue = next;
          }
          const mean = latencies.reduce((s, x) => s + x, 0) / latencies.length;
          expect(mean).toBeLessThanOrEqual(budget + queue / latencies.length + 1e-9);
        },
      ),
    );
  });
});
