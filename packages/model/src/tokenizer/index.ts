export { GPT2_END_OF_TEXT_ID, GPT2_VOCAB_SIZE, gpt2Encode, gpt2Parents, gpt2TokenBytes } from "./gpt2-base";
export { type Tokenizer, createTokenizer } from "./tokenizer";
export {
  BYTE_ID_OFFSET,
  DEFAULT_VOCAB_SIZE,
  EOS_ID,
  FIXED_TOKEN_COUNT,
  MAX_VOCAB_SIZE,
  PAD_ID,
  TOKENIZER_FORMAT_VERSION,
  type TokenizerFile,
  type TokenizerVocab,
  parseTokenizerVocab,
  tokenizerFile,
} from "./tokenizer-vocab";
export { type TokenizationStats, tokenizationStats } from "./tokenization-stats";
export { buildTokenizerVocab, countGpt2Tokens, mergeTreeCounts } from "./vocab-builder";
