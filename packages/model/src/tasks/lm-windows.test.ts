import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createTokenizer } from "../tokenizer/tokenizer";
import { EOS_ID, FIXED_TOKEN_COUNT } from "../tokenizer/tokenizer-vocab";
import { documentStream, lmShard, lmWindowCount } from "./lm-windows";
import { checkShard } from "./shard";

describe("language-modelling windows", () => {
  it("overlaps windows by one token so every token after the first is a target exactly once", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 60 }),
        fc.integer({ min: 2, max: 9 }),
        (stream, window) => {
          const shard = lmShard("sotu", stream, window, 100);
          expect(shard.lengths.length).toBe(lmWindowCount(stream.length, window));
          const targets: number[] = [];
          for (let row = 0; row < shard.lengths.length; row += 1) {
            const length = shard.lengths[row] ?? 0;
            const rowIds = Array.from(shard.tokens.subarray(row * window, row * window + length));
            expect(rowIds[0]).toBe(stream[row * (window - 1)]);
            targets.push(...rowIds.slice(1));
          }
          expect(targets).toEqual(stream.slice(1));
          expect(checkShard(shard).ok).toBe(true);
        },
      ),
    );
  });

  it("joins documents with an end-of-text after each", () => {
    const tokenizer = createTokenizer({ version: 1, vocabSize: FIXED_TOKEN_COUNT + 1, gpt2Ids: [262] });
    const stream = documentStream(tokenizer, ["a", " the"]);
    expect(Array.from(stream)).toEqual([2 + 97, EOS_ID, FIXED_TOKEN_COUNT, EOS_ID]);
  });
});
