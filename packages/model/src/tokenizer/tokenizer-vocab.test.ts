import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIXED_TOKEN_COUNT, MAX_VOCAB_SIZE, parseTokenizerVocab, tokenizerFile } from "./tokenizer-vocab";

const ids = (n: number, from = 256): number[] => Array.from({ length: n }, (_, i) => from + i);
const file = (over: Record<string, unknown>): unknown => ({
  ...JSON.parse(JSON.stringify(tokenizerFile({ version: 1, vocabSize: 300, gpt2Ids: ids(42) }, "test"))),
  ...over,
});

describe("parseTokenizerVocab", () => {
  it("accepts what tokenizerFile writes, after a trip through JSON", () => {
    const parsed = parseTokenizerVocab(file({}));
    expect(parsed).toEqual({ ok: true, value: { version: 1, vocabSize: 300, gpt2Ids: ids(42) } });
  });

  it.each([
    ["a wrong format", { format: "other" }],
    ["a wrong version", { version: 2 }],
    ["a size with no room for learned tokens", { vocabSize: FIXED_TOKEN_COUNT, gpt2Ids: [] }],
    [
      "a size above the maximum",
      { vocabSize: MAX_VOCAB_SIZE + 1, gpt2Ids: ids(MAX_VOCAB_SIZE + 1 - FIXED_TOKEN_COUNT) },
    ],
    ["a fractional size", { vocabSize: 300.5 }],
    ["a length that does not match the size", { gpt2Ids: ids(41) }],
    ["a duplicate id", { gpt2Ids: [...ids(41), 256] }],
    ["a single-byte GPT-2 id", { gpt2Ids: [...ids(41, 257), 255] }],
    ["GPT-2's end-of-text id", { gpt2Ids: [...ids(41), 50256] }],
    ["a non-integer id", { gpt2Ids: [...ids(41), "300"] }],
    ["swapped specials", { specials: { "<|pad|>": 1, "<|endoftext|>": 0 } }],
    ["another byte offset", { byteIdOffset: 1 }],
  ])("rejects a vocabulary with %s", (_, over) => {
    const parsed = parseTokenizerVocab(file(over));
    expect(parsed.ok).toBe(false);
  });

  it("never throws, whatever it is given", () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expect(parseTokenizerVocab(value).ok).toBe(false);
      }),
    );
  });
});
