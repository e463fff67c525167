import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "@airlora/core";
import { stratifiedSplit } from "./stratified-split";

const labelArrays = fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 200 });

describe("stratified split", () => {
  it("puts every example on exactly one side and round(fraction * n_c) of each class in test", () => {
    fc.assert(
      fc.property(labelArrays, fc.integer(), (labels, seed) => {
        const { train, test } = stratifiedSplit(labels, 0.2, createRng(seed));
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
        for (const c of [0, 1, 2]) {
          const n = labels.filter((l) => l === c).length;
          expect(test.filter((i) => labels[i] === c)).toHaveLength(Math.round(0.2 * n));
        }
      }),
    );
  });

  it("replays for a seed and differs for another", () => {
    const labels = Array.from({ length: 100 }, (_, i) => i % 3);
    const a = stratifiedSplit(labels, 0.2, createRng(1));
    expect(stratifiedSplit(labels, 0.2, createRng(1))).toEqual(a);
    expect(stratifiedSplit(labels, 0.2, createRng(2))).not.toEqual(a);
  });
});
