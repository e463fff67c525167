import { describe, expect, it } from "vitest";
import { gpt2Encode } from "./gpt2-base";
import { tokenizationStats } from "./tokenization-stats";
import { FIXED_TOKEN_COUNT } from "./tokenizer-vocab";

describe("tokenization stats", () => {
  it("counts a merged token missing from the vocabulary as a fallback, a single-byte one not, and both as byte tokens", () => {
    const [the] = gpt2Encode(" the");
    const [whale] = gpt2Encode(" whale");
    const stats = tokenizationStats({ version: 1, vocabSize: FIXED_TOKEN_COUNT + 1, gpt2Ids: [the ?? 0] }, [
      " the whale,",
    ]);
    expect(gpt2Encode(" the whale,")).toEqual([the, whale, 11]);
    expect(stats).toMatchObject({ words: 2, gpt2Tokens: 3, tokens: 1 + 6 + 1 });
    expect(stats.fallbackRate).toBeCloseTo(1 / 3);
    expect(stats.byteTokenShare).toBeCloseTo(7 / 8);
    expect(stats.tokensPerWord).toBeCloseTo(4);
  });
});
