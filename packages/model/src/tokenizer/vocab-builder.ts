// Cuts the small vocabulary from GPT-2's: the most frequent merged GPT-2 tokens of a corpus, most frequent first.
// Single-byte GPT-2 tokens are left out on purpose: they already are our byte tokens, so each GPT-2 token has
// exactly one spelling in our ids.
import { type Result, fail, ok } from "@airlora/core";
import { GPT2_END_OF_TEXT_ID, GPT2_FIRST_MERGED_ID, GPT2_VOCAB_SIZE, gpt2Encode } from "./gpt2-base";
import { FIXED_TOKEN_COUNT, MAX_VOCAB_SIZE, TOKENIZER_FORMAT_VERSION, type TokenizerVocab } from "./tokenizer-vocab";

/** Adds the GPT-2 token counts of `texts` to `counts` (indexed by GPT-2 id) and returns it. */
export function countGpt2Tokens(
  texts: Iterable<string>,
  counts: Float64Array = new Float64Array(GPT2_VOCAB_SIZE),
): Float64Array {
  for (const text of texts) {
    for (const g of gpt2Encode(text)) counts[g] = (counts[g] ?? 0) + 1;
  }
  return counts;
}

/**
 * The `vocabSize` vocabulary for these counts: merged GPT-2 tokens by decreasing count, ties by GPT-2 id; when the
 * corpus has too few distinct tokens the rest is filled with unseen ones by GPT-2 id (GPT-2's merge order, which
 * roughly follows its own training frequency). Deterministic; a smaller size gives a prefix of a larger one.
 */
export function buildTokenizerVocab(counts: ArrayLike<number>, vocabSize: number): Result<TokenizerVocab> {
  if (!Number.isInteger(vocabSize) || vocabSize <= FIXED_TOKEN_COUNT || vocabSize > MAX_VOCAB_SIZE) {
    return fail({
      code: "invalid-vocab-size",
      reason: `vocabSize must be in (${FIXED_TOKEN_COUNT}, ${MAX_VOCAB_SIZE}]`,
    });
  }
  const merged: number[] = [];
  for (let g = GPT2_FIRST_MERGED_ID; g < GPT2_END_OF_TEXT_ID; g += 1) merged.push(g);
  const countOf = (g: number): number => (g < counts.length ? (counts[g] ?? 0) : 0);
  merged.sort((x, y) => countOf(y) - countOf(x) || x - y);
  return ok({ version: TOKENIZER_FORMAT_VERSION, vocabSize, gpt2Ids: merged.slice(0, vocabSize - FIXED_TOKEN_COUNT) });
}
