import { describe, expect, it } from "vitest";
import type { Shard } from "./shard";
import { evenlySpacedRows, selectRows, shardLabelCounts, shardTokenCount } from "./shard-rows";

/** Ten rows of seqLen 2: row r holds id r + 1, then padding; label r % 2. */
const shard: Shard = {
  task: "spam",
  seqLen: 2,
  vocabSize: 20,
  tokens: Uint16Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i / 2 + 1 : 0)),
  lengths: new Uint16Array(10).fill(1),
  labels: Uint8Array.from({ length: 10 }, (_, r) => r % 2),
};
const firstIds = (s: Shard): number[] => Array.from(s.lengths, (_, row) => s.tokens[row * s.seqLen] ?? -1);

describe("shard rows", () => {
  it("selects rows with their tokens, lengths and labels", () => {
    const picked = selectRows(shard, [3, 0]);
    expect(firstIds(picked)).toEqual([4, 1]);
    expect(Array.from(picked.labels ?? [])).toEqual([1, 0]);
    expect(picked.tokens.length).toBe(4);
  });

  it("keeps evenly spaced rows up to a limit and the whole shard below it", () => {
    expect(firstIds(evenlySpacedRows(shard, 4))).toEqual([1, 3, 6, 8]);
    expect(evenlySpacedRows(shard, 10)).toBe(shard);
    expect(evenlySpacedRows(shard, 0).lengths.length).toBe(0);
  });

  it("counts real tokens and rows per class", () => {
    expect(shardTokenCount(shard)).toBe(10);
    expect(shardLabelCounts(shard)).toEqual([5, 5]);
    expect(shardLabelCounts({ ...shard, task: "sotu", labels: undefined } as unknown as Shard)).toBeUndefined();
  });
});
