import { describe, expect, it } from "vitest";
import { createRng } from "./rng";

describe("seeded rng", () => {
  it("replays the same stream for the same seed and a different one for another seed", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 8 }, () => a.next());
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(sa);
  });

  it("draws uniforms in [0, 1) with mean 1/2 and normals with mean 0 and variance 1", () => {
    const rng = createRng(7);
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    let nSum = 0;
    let nSq = 0;
    for (let i = 0; i < n; i += 1) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
      const z = rng.normal();
      nSum += z;
      nSq += z * z;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(nSum / n).toBeCloseTo(0, 1);
    expect(nSq / n).toBeCloseTo(1, 1);
  });

  it("gives forks streams independent of the parent's next draws", () => {
    const rng = createRng(1);
    const fork = rng.fork();
    expect(fork.next()).not.toBe(rng.next());
  });
});
