// How well a small vocabulary covers some text: the figures the tokenizer README and model card report.
import { gpt2ByteTable, gpt2Encode } from "./gpt2-base";
import { createTokenizer } from "./tokenizer";
import { BYTE_ID_OFFSET, type TokenizerVocab } from "./tokenizer-vocab";

export interface TokenizationStats {
  readonly chars: number;
  /** Whitespace-separated words. */
  readonly words: number;
  readonly gpt2Tokens: number;
  readonly tokens: number;
  readonly tokensPerWord: number;
  readonly gpt2TokensPerWord: number;
  /** Share of GPT-2 tokens (merged ones, two bytes or more) missing from the vocabulary, so split into pieces. */
  readonly fallbackRate: number;
  /** Share of our ids that are byte tokens (bytes left by splits plus GPT-2's own single-byte tokens). */
  readonly byteTokenShare: number;
}

export function tokenizationStats(vocab: TokenizerVocab, texts: readonly string[]): TokenizationStats {
  const tokenizer = createTokenizer(vocab);
  const known = new Set(vocab.gpt2Ids);
  const { offsets } = gpt2ByteTable();
  let chars = 0;
  let words = 0;
  let gpt2Tokens = 0;
  let fallback = 0;
  let tokens = 0;
  let byteTokens = 0;
  for (const text of texts) {
    chars += text.length;
    words += text.split(/\s+/u).filter((w) => w.length > 0).length;
    const gpt2 = gpt2Encode(text);
    gpt2Tokens += gpt2.length;
    for (const g of gpt2) {
      if (!known.has(g) && (offsets[g + 1] ?? 0) - (offsets[g] ?? 0) > 1) fallback += 1;
    }
    const ids = tokenizer.encode(text);
    tokens += ids.length;
    for (const id of ids) if (id >= BYTE_ID_OFFSET && id < BYTE_ID_OFFSET + 256) byteTokens += 1;
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    chars,
    words,
    gpt2Tokens,
    tokens,
    tokensPerWord: ratio(tokens, words),
    gpt2TokensPerWord: ratio(gpt2Tokens, words),
    fallbackRate: ratio(fallback, gpt2Tokens),
    byteTokenShare: ratio(byteTokens, tokens),
  };
}
