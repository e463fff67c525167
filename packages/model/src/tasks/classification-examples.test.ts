import { describe, expect, it } from "vitest";
import { classificationShard } from "./classification-examples";
import { checkShard } from "./shard";

describe("classification rows", () => {
  it("keeps the first seqLen ids, pads the rest, records lengths and labels", () => {
    const shard = classificationShard(
      "spam",
      [
        { ids: [5, 6, 7, 8, 9], label: 1 },
        { ids: [3], label: 0 },
        { ids: [], label: 1 },
      ],
      3,
      10,
    );
    expect(Array.from(shard.tokens)).toEqual([5, 6, 7, 3, 0, 0, 1, 0, 0]);
    expect(Array.from(shard.lengths)).toEqual([3, 1, 1]);
    expect(Array.from(shard.labels ?? [])).toEqual([1, 0, 1]);
    expect(checkShard(shard).ok).toBe(true);
  });
});
