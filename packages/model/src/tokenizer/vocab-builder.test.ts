import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GPT2_VOCAB_SIZE, gpt2Encode, gpt2Parents } from "./gpt2-base";
import { FIXED_TOKEN_COUNT } from "./tokenizer-vocab";
import { buildTokenizerVocab, countGpt2Tokens, mergeTreeCounts } from "./vocab-builder";

const idOf = (piece: string): number => {
  const ids = gpt2Encode(piece);
  if (ids.length !== 1 || ids[0] === undefined) throw new Error(`${piece} is not one GPT-2 token`);
  return ids[0];
};

describe("vocabulary builder", () => {
  it("counts GPT-2 tokens over all texts", () => {
    const counts = countGpt2Tokens(["the cat", " cat the"]);
    expect(counts[idOf(" cat")]).toBe(2);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(gpt2Encode("the cat").length + gpt2Encode(" cat the").length);
  });

  it("credits a token's count to every merged token of its merge tree", () => {
    const counts = new Float64Array(GPT2_VOCAB_SIZE);
    const the = idOf(" the");
    counts[the] = 5;
    counts[idOf("he")] = 2;
    const tree = mergeTreeCounts(counts);
    expect(gpt2Parents(the)).toEqual([idOf(" t"), idOf("he")]);
    expect([tree[the], tree[idOf("he")], tree[idOf(" t")], tree[idOf(" cat")]]).toEqual([5, 7, 5, 0]);
  });

  it("lists merged tokens by decreasing merge-tree frequency, ties by GPT-2 id, then unseen ones by id", () => {
    const counts = new Float64Array(GPT2_VOCAB_SIZE);
    counts[idOf(" the")] = 5;
    counts[idOf("he")] = 2;
    counts[65] = 100; // a single byte: never in the learned part
    const built = buildTokenizerVocab(counts, FIXED_TOKEN_COUNT + 6);
    expect(built.ok && built.value.gpt2Ids).toEqual([idOf("he"), idOf(" t"), idOf(" the"), 257, 259, 260]);
  });

  it("puts the merge parents of every listed token before it, whatever the counts", () => {
    const counts = fc.array(fc.tuple(fc.integer({ min: 256, max: 50255 }), fc.integer({ min: 1, max: 1000 })), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(counts, (entries) => {
        const c = new Float64Array(GPT2_VOCAB_SIZE);
        for (const [g, n] of entries) c[g] = n;
        const built = buildTokenizerVocab(c, 600);
        if (!built.ok) throw new Error(built.error.reason);
        const position = new Map(built.value.gpt2Ids.map((g, i) => [g, i]));
        for (const [g, i] of position) {
          for (const p of gpt2Parents(g) ?? []) if (p >= 256) expect(position.get(p) ?? Infinity).toBeLessThan(i);
        }
      }),
      { numRuns: 30 },
    );
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
