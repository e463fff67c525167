import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "@airlora/core";
import { apportion, dirichletPartition } from "./dirichlet-partition";

/** 30% of class 1, like the spam set. */
const labels = Array.from({ length: 300 }, (_, i) => (i % 10 < 3 ? 1 : 0));

function partition(l: readonly number[], clients: number, alpha: number, seed: number): number[][] {
  const result = dirichletPartition(l, clients, alpha, createRng(seed));
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

/** Mean over clients of |share of class 1 on the client - global share|. */
function skew(shards: number[][]): number {
  const global = labels.filter((l) => l === 1).length / labels.length;
  const gaps = shards.map((s) => Math.abs(s.filter((i) => labels[i] === 1).length / s.length - global));
  return gaps.reduce((a, b) => a + b, 0) / gaps.length;
}

describe("dirichlet label-skew partition", () => {
  it("gives every example to exactly one client and every client at least one", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer(),
        (l, clients, alpha, seed) => {
          fc.pre(l.length >= clients);
          const shards = partition(l, clients, alpha, seed);
          expect(shards).toHaveLength(clients);
          expect(shards.every((s) => s.length >= 1)).toBe(true);
          expect(shards.reduce((a, s) => a + s.length, 0)).toBe(l.length);
          expect(new Set(shards.flat()).size).toBe(l.length);
          expect(shards.flat().every((i) => Number.isInteger(i) && i >= 0 && i < l.length)).toBe(true);
        },
      ),
    );
  });

  it("brings clients closer to the global label mix on average as alpha grows", () => {
    const meanSkew = (alpha: number): number => {
      const seeds = Array.from({ length: 20 }, (_, s) => s);
      return seeds.reduce((a, s) => a + skew(partition(labels, 10, alpha, s)), 0) / seeds.length;
    };
    const [low, mid, high] = [0.1, 1, 100].map(meanSkew);
    expect(mid).toBeLessThan(low ?? 0);
    expect(high).toBeLessThan(mid ?? 0);
    expect(high).toBeLessThan(0.05);
  });

  it("replays for a seed", () => {
    expect(partition(labels, 7, 0.5, 3)).toEqual(partition(labels, 7, 0.5, 3));
    expect(partition(labels, 7, 0.5, 3)).not.toEqual(partition(labels, 7, 0.5, 4));
  });

  it("refuses fewer examples than clients, no clients and a non-positive alpha", () => {
    expect(dirichletPartition([0, 1], 3, 1, createRng(0)).ok).toBe(false);
    expect(dirichletPartition([0, 1], 0, 1, createRng(0)).ok).toBe(false);
    expect(dirichletPartition([0, 1], 2, 0, createRng(0)).ok).toBe(false);
  });

  it("apportions integer counts that sum to the total and stay within one of the exact share", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1 }), fc.nat(500), (w, total) => {
        const sum = w.reduce((a, b) => a + b, 0);
        fc.pre(sum > 0);
        const p = w.map((x) => x / sum);
        const counts = apportion(p, total);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
        counts.forEach((c, i) => {
          expect(Math.abs(c - (p[i] ?? 0) * total)).toBeLessThan(1 + 1e-9);
        });
      }),
    );
  });
});
