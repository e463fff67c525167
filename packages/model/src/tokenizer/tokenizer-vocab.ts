// The small vocabulary cut from GPT-2's: what models/tokenizer/tokenizer.json holds, and its validation.
import { type Result, fail, ok } from "@airlora/core";
import { GPT2_END_OF_TEXT_ID, GPT2_FIRST_MERGED_ID } from "./gpt2-base";

export const TOKENIZER_FORMAT = "airlora-tokenizer";
export const TOKENIZER_FORMAT_VERSION = 1;
export const PAD_ID = 0;
export const EOS_ID = 1;
/** Our id of byte `b` is `BYTE_ID_OFFSET + b`: the fallback that makes every string encodable. */
export const BYTE_ID_OFFSET = 2;
/** Specials and bytes: the ids every vocabulary has before its learned GPT-2 tokens. */
export const FIXED_TOKEN_COUNT = BYTE_ID_OFFSET + 256;
export const DEFAULT_VOCAB_SIZE = 2048;
export const MAX_VOCAB_SIZE = 8192;

export interface TokenizerVocab {
  readonly version: typeof TOKENIZER_FORMAT_VERSION;
  readonly vocabSize: number;
  /** GPT-2 ids of our ids FIXED_TOKEN_COUNT.., most frequent first; all >= 256 (merged tokens), distinct. */
  readonly gpt2Ids: readonly number[];
}

/** The JSON document written to models/tokenizer/tokenizer.json (extra fields are informative only). */
export interface TokenizerFile {
  readonly format: typeof TOKENIZER_FORMAT;
  readonly version: typeof TOKENIZER_FORMAT_VERSION;
  readonly base: "gpt2";
  readonly vocabSize: number;
  readonly specials: { readonly "<|pad|>": typeof PAD_ID; readonly "<|endoftext|>": typeof EOS_ID };
  readonly byteIdOffset: typeof BYTE_ID_OFFSET;
  readonly gpt2Ids: readonly number[];
  readonly source?: string;
}

export function tokenizerFile(vocab: TokenizerVocab, source?: string): TokenizerFile {
  return {
    format: TOKENIZER_FORMAT,
    version: TOKENIZER_FORMAT_VERSION,
    base: "gpt2",
    vocabSize: vocab.vocabSize,
    specials: { "<|pad|>": PAD_ID, "<|endoftext|>": EOS_ID },
    byteIdOffset: BYTE_ID_OFFSET,
    gpt2Ids: vocab.gpt2Ids,
    ...(source === undefined ? {} : { source }),
  };
}

const invalid = (reason: string) => fail({ code: "invalid-tokenizer", reason });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks a parsed tokenizer.json (or the vocabulary object itself) and returns the vocabulary. */
export function parseTokenizerVocab(json: unknown): Result<TokenizerVocab> {
  if (!isRecord(json)) return invalid("not an object");
  if (json.format !== undefined && json.format !== TOKENIZER_FORMAT) return invalid("unknown format");
  if (json.version !== TOKENIZER_FORMAT_VERSION) return invalid(`unsupported version ${String(json.version)}`);
  const { vocabSize, gpt2Ids, specials, byteIdOffset } = json;
  if (typeof vocabSize !== "number" || !Number.isInteger(vocabSize)) return invalid("vocabSize is not an integer");
  if (vocabSize <= FIXED_TOKEN_COUNT || vocabSize > MAX_VOCAB_SIZE) {
    return invalid(`vocabSize ${vocabSize} outside (${FIXED_TOKEN_COUNT}, ${MAX_VOCAB_SIZE}]`);
  }
  if (specials !== undefined) {
    if (!isRecord(specials) || specials["<|pad|>"] !== PAD_ID || specials["<|endoftext|>"] !== EOS_ID) {
      return invalid("specials differ from <|pad|> = 0, <|endoftext|> = 1");
    }
  }
  if (byteIdOffset !== undefined && byteIdOffset !== BYTE_ID_OFFSET) return invalid("byteIdOffset is not 2");
  if (!Array.isArray(gpt2Ids)) return invalid("gpt2Ids is not an array");
  if (gpt2Ids.length !== vocabSize - FIXED_TOKEN_COUNT) {
    return invalid(`gpt2Ids has ${gpt2Ids.length} entries, expected ${vocabSize - FIXED_TOKEN_COUNT}`);
  }
  const seen = new Set<number>();
  for (const id of gpt2Ids as unknown[]) {
    if (typeof id !== "number" || !Number.isInteger(id)) return invalid("a gpt2 id is not an integer");
    if (id < GPT2_FIRST_MERGED_ID || id >= GPT2_END_OF_TEXT_ID) {
      return invalid(`gpt2 id ${id} is not a merged GPT-2 token (256..50255)`);
    }
    if (seen.has(id)) return invalid(`gpt2 id ${id} appears twice`);
    seen.add(id);
  }
  return ok({ version: TOKENIZER_FORMAT_VERSION, vocabSize, gpt2Ids: gpt2Ids as number[] });
}
