// Our tokenizer (docs/model-and-data.md section 3): GPT-2 BPE, then each GPT-2 token becomes our id when the small
// vocabulary has it; a token it lacks is merged again from its bytes with GPT-2's rule restricted to our vocabulary, so
// it becomes a few of our tokens (its UTF-8 byte tokens at worst). Every string encodes and decodes back exactly.
import { bytePairMerge, bytesKey } from "./byte-pair-merge";
import { GPT2_VOCAB_SIZE, gpt2ByteTable, gpt2Encode, gpt2TokenBytes } from "./gpt2-base";
import { BYTE_ID_OFFSET, EOS_ID, FIXED_TOKEN_COUNT, PAD_ID, type TokenizerVocab } from "./tokenizer-vocab";
import { decodeUtf8, encodeUtf8 } from "../text-codec";

export interface Tokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly eosId: number;
  /** Lossless: `decode(encode(s)) === s` for every well-formed string (lone surrogates become U+FFFD). */
  encode(text: string): Int32Array;
  /** `<|pad|>` decodes to "", `<|endoftext|>` to that literal text, ids outside the vocabulary to U+FFFD. */
  decode(ids: ArrayLike<number>): string;
}

const END_OF_TEXT_TEXT = "<|endoftext|>";
const REPLACEMENT = encodeUtf8("\uFFFD");

/** Our id of each GPT-2 id, or -1 where the GPT-2 token is split into several of our tokens instead. */
function gpt2ToOurIds(vocab: TokenizerVocab): Int32Array {
  const { bytes, offsets } = gpt2ByteTable();
  const map = new Int32Array(GPT2_VOCAB_SIZE).fill(-1);
  for (let g = 0; g < GPT2_VOCAB_SIZE; g += 1) {
    const start = offsets[g] ?? 0;
    if ((offsets[g + 1] ?? 0) - start === 1) map[g] = BYTE_ID_OFFSET + (bytes[start] ?? 0);
  }
  vocab.gpt2Ids.forEach((g, i) => {
    map[g] = FIXED_TOKEN_COUNT + i;
  });
  return map;
}

/** The bytes each of our ids decodes to, flat like GPT-2's table. */
function ourByteTable(vocab: TokenizerVocab): { bytes: Uint8Array; offsets: Uint32Array } {
  const gpt2 = gpt2ByteTable();
  const pieces: Uint8Array[] = [new Uint8Array(0), encodeUtf8(END_OF_TEXT_TEXT)];
  for (let b = 0; b < 256; b += 1) pieces.push(Uint8Array.of(b));
  for (const g of vocab.gpt2Ids) pieces.push(gpt2.bytes.subarray(gpt2.offsets[g], gpt2.offsets[g + 1]));
  const offsets = new Uint32Array(pieces.length + 1);
  pieces.forEach((piece, id) => {
    offsets[id + 1] = (offsets[id] ?? 0) + piece.length;
  });
  const bytes = new Uint8Array(offsets[pieces.length] ?? 0);
  pieces.forEach((piece, id) => {
    bytes.set(piece, offsets[id]);
  });
  return { bytes, offsets };
}

/** Splits a GPT-2 token we lack into our ids: GPT-2's merges restricted to our vocabulary, bytes at worst. */
function createSplitter(vocab: TokenizerVocab): (g: number) => Int32Array {
  const rankOf = new Map<string, number>();
  const idOf = new Map<string, number>();
  vocab.gpt2Ids.forEach((g, i) => {
    const key = bytesKey(gpt2TokenBytes(g));
    rankOf.set(key, g);
    idOf.set(key, FIXED_TOKEN_COUNT + i);
  });
  const cache = new Map<number, Int32Array>();
  return (g) => {
    let ids = cache.get(g);
    if (ids === undefined) {
      const pieces = bytePairMerge(gpt2TokenBytes(g), (key) => rankOf.get(key));
      ids = Int32Array.from(pieces, (key) => idOf.get(key) ?? BYTE_ID_OFFSET + key.charCodeAt(0));
      cache.set(g, ids);
    }
    return ids;
  };
}

export function createTokenizer(vocab: TokenizerVocab): Tokenizer {
  const toOurs = gpt2ToOurIds(vocab);
  const split = createSplitter(vocab);
  const ours = ourByteTable(vocab);
  const { vocabSize } = vocab;
  const pieceOf = (id: number): Uint8Array =>
    Number.isInteger(id) && id >= 0 && id < vocabSize
      ? ours.bytes.subarray(ours.offsets[id], ours.offsets[id + 1])
      : REPLACEMENT;

  return {
    vocabSize,
    padId: PAD_ID,
    eosId: EOS_ID,
    encode(text) {
      const tokens = gpt2Encode(text);
      let length = 0;
      for (const g of tokens) length += (toOurs[g] ?? -1) >= 0 ? 1 : split(g).length;
      const out = new Int32Array(length);
      let at = 0;
      for (const g of tokens) {
        const id = toOurs[g] ?? -1;
        if (id >= 0) {
          out[at] = id;
          at += 1;
        } else {
          const ids = split(g);
          out.set(ids, at);
          at += ids.length;
        }
      }
      return out;
    },
    decode(ids) {
      let length = 0;
      for (let i = 0; i < ids.length; i += 1) length += pieceOf(ids[i] ?? -1).length;
      const bytes = new Uint8Array(length);
      let at = 0;
      for (let i = 0; i < ids.length; i += 1) {
        const piece = pieceOf(ids[i] ?? -1);
        bytes.set(piece, at);
        at += piece.length;
      }
      return decodeUtf8(bytes);
    },
  };
}
