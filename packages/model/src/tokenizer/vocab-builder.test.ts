import { describe, expect, it } from "vitest";
import { GPT2_VOCAB_SIZE, gpt2Encode } from "./gpt2-base";
import { FIXED_TOKEN_COUNT } from "./tokenizer-vocab";
import { buildTokenizerVocab, countGpt2Tokens } from "./vocab-builder";

describe("vocabulary builder", () => {
  it("counts GPT-2 tokens over all texts", () => {
    const counts = countGpt2Tokens(["the cat", " cat the"]);
    const [cat] = gpt2Encode(" cat");
    expect(counts[cat ?? 0]).toBe(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(gpt2Encode("the cat").length + gpt2Encode(" cat the").length);
  });

  it("puts merged tokens by decreasing count first, breaks ties by GPT-2 id and fills with unseen ids", () => {
    const counts = new Float64Array(GPT2_VOCAB_SIZE);
    counts[5000] = 3;
    counts[7000] = 9;
    counts[900] = 3;
    counts[65] = 100; // a single byte: never in the learned part
    const built = buildTokenizerVocab(counts, FIXED_TOKEN_COUNT + 6);
    expect(built.ok && built.value.gpt2Ids).toEqual([7000, 900, 5000, 256, 257, 258]);
  });

  it("gives a smaller vocabulary as a prefix of a larger one", () => {
    const counts = countGpt2Tokens(["Call me Ishmael. Some years ago, never mind how long precisely."]);
    const small = buildTokenizerVocab(counts, 300);
    const large = buildTokenizerVocab(counts, 600);
    expect(small.ok && large.ok && large.value.gpt2Ids.slice(0, 300 - FIXED_TOKEN_COUNT)).toEqual(
      small.ok && small.value.gpt2Ids,
    );
  });

  it("refuses sizes outside (258, 8192]", () => {
    const counts = new Float64Array(GPT2_VOCAB_SIZE);
    expect(buildTokenizerVocab(counts, FIXED_TOKEN_COUNT).ok).toBe(false);
    expect(buildTokenizerVocab(counts, 8193).ok).toBe(false);
    expect(buildTokenizerVocab(counts, 8192).ok).toBe(true);
  });
});
