// Cuts the small vocabulary from GPT-2's. A token earns its place by its merge-tree frequency: how often it occurs
// in the corpus as a GPT-2 token or as a piece GPT-2 merged such a token from. Parents come before children, so
// the tokenizer's restricted merge can reach every kept token. Single-byte GPT-2 tokens are never listed: they
// already are our byte tokens.
import { type Result, fail, ok } from "@airlora/core";
import { GPT2_END_OF_TEXT_ID, GPT2_FIRST_MERGED_ID, GPT2_VOCAB_SIZE, gpt2Encode, gpt2Parents } from "./gpt2-base";
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

/** Each merged token's count plus the counts of every token whose merge tree contains it (once per occurrence). */
export function mergeTreeCounts(counts: ArrayLike<number>): Float64Array {
  const tree = new Float64Array(GPT2_VOCAB_SIZE);
  for (let g = GPT2_FIRST_MERGED_ID; g < GPT2_END_OF_TEXT_ID && g < counts.length; g += 1) tree[g] = counts[g] ?? 0;
  // Parents have smaller ids than their child: one pass from the top pushes every count down its whole tree.
  for (let g = GPT2_END_OF_TEXT_ID - 1; g >= GPT2_FIRST_MERGED_ID; g -= 1) {
    const weight = tree[g] ?? 0;
    const parents = weight > 0 ? gpt2Parents(g) : null;
    if (parents === null) continue;
    for (const p of parents) if (p >= GPT2_FIRST_MERGED_ID) tree[p] = (tree[p] ?? 0) + weight;
  }
  return tree;
}

/**
 * The `vocabSize` vocabulary for these GPT-2 token counts: merged tokens by decreasing merge-tree frequency, ties
 * by GPT-2 id (so unseen tokens follow in GPT-2's merge order). Deterministic; a smaller size gives a prefix of a
 * larger one, and every prefix holds the merge parents of each of its tokens.
 */
export function buildTokenizerVocab(counts: ArrayLike<number>, vocabSize: number): Result<TokenizerVocab> {
  if (!Number.isInteger(vocabSize) || vocabSize <= FIXED_TOKEN_COUNT || vocabSize > MAX_VOCAB_SIZE) {
    return fail({
      code: "invalid-vocab-size",
      reason: `vocabSize must be in (${FIXED_TOKEN_COUNT}, ${MAX_VOCAB_SIZE}]`,
    });
  }
  const tree = mergeTreeCounts(counts);
  const merged: number[] = [];
  for (let g = GPT2_FIRST_MERGED_ID; g < GPT2_END_OF_TEXT_ID; g += 1) merged.push(g);
  merged.sort((x, y) => (tree[y] ?? 0) - (tree[x] ?? 0) || x - y);
  return ok({ version: TOKENIZER_FORMAT_VERSION, vocabSize, gpt2Ids: merged.slice(0, vocabSize - FIXED_TOKEN_COUNT) });
}
