import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unigramCrossEntropy } from "./unigram-cross-entropy";

describe("unigram cross-entropy", () => {
  it("uses add-one smoothed training frequencies, in nats per validation token", () => {
    // counts (2, 1, 0) + 1 over 3 + 3: p = (3/6, 2/6, 1/6)
    expect(unigramCrossEntropy([0, 0, 1], [0, 2], 3)).toBeCloseTo(-(Math.log(3 / 6) + Math.log(1 / 6)) / 2, 12);
  });

  it("is log(vocabSize) with no training data and never above it when training matches validation", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1 }), (ids) => {
        expect(unigramCrossEntropy([], ids, 10)).toBeCloseTo(Math.log(10), 12);
        expect(unigramCrossEntropy(ids, ids, 10)).toBeLessThanOrEqual(Math.log(10) + 1e-12);
      }),
    );
  });

  it("refuses ids outside the vocabulary", () => {
    expect(() => unigramCrossEntropy([3], [0], 3)).toThrow(RangeError);
    expect(() => unigramCrossEntropy([0], [-1], 3)).toThrow(RangeError);
  });
});
