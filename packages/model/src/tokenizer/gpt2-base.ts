// GPT-2's byte-level BPE (r50k_base in tiktoken's naming: 50,257 tokens, the ranks gpt-tokenizer ships for
// "gpt2" and "r50k_base" alike) as the base our small vocabulary is cut from. ESM, no Node APIs: it bundles
// for a browser worker as it is.
import bpeRanks from "gpt-tokenizer/bpeRanks/r50k_base";
import { encode } from "gpt-tokenizer/encoding/r50k_base";
import { bytePairMerge, bytesKey } from "./byte-pair-merge";
import { encodeUtf8 } from "../text-codec";

export const GPT2_VOCAB_SIZE = 50257;
/** GPT-2's own `<|endoftext|>`; never produced by `gpt2Encode`, which treats special-token text as plain text. */
export const GPT2_END_OF_TEXT_ID = 50256;
/** GPT-2 ids 0..255 are the 256 single bytes; every id from here on spells two bytes or more. */
export const GPT2_FIRST_MERGED_ID = 256;

const plainText = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/** GPT-2 token ids of `text`; "<|endoftext|>" inside the text is encoded as ordinary characters. */
export function gpt2Encode(text: string): number[] {
  return encode(text, plainText);
}

/** The bytes of every GPT-2 token, flat: token `g` is `bytes.subarray(offsets[g], offsets[g + 1])`. */
export interface Gpt2ByteTable {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

let table: Gpt2ByteTable | null = null;

export function gpt2ByteTable(): Gpt2ByteTable {
  if (table !== null) return table;
  const pieces = bpeRanks.map((entry) => (typeof entry === "string" ? encodeUtf8(entry) : Uint8Array.from(entry)));
  const offsets = new Uint32Array(GPT2_VOCAB_SIZE + 1);
  let total = 0;
  for (let g = 0; g < GPT2_VOCAB_SIZE; g += 1) {
    offsets[g] = total;
    total += g < pieces.length ? (pieces[g]?.length ?? 0) : 0;
  }
  offsets[GPT2_VOCAB_SIZE] = total;
  const bytes = new Uint8Array(total);
  pieces.forEach((piece, g) => {
    if (g < GPT2_VOCAB_SIZE) bytes.set(piece, offsets[g]);
  });
  table = { bytes, offsets };
  return table;
}

/** The bytes of GPT-2 token `g`. */
export function gpt2TokenBytes(g: number): Uint8Array {
  const { bytes, offsets } = gpt2ByteTable();
  return bytes.subarray(offsets[g], offsets[g + 1]);
}

let rankOfKey: Map<string, number> | null = null;

/** GPT-2's rank (= id) of every byte string that is a token. */
function gpt2RankOfKey(): ReadonlyMap<string, number> {
  if (rankOfKey === null) {
    rankOfKey = new Map();
    for (let g = 0; g < GPT2_END_OF_TEXT_ID; g += 1) rankOfKey.set(bytesKey(gpt2TokenBytes(g)), g);
  }
  return rankOfKey;
}

/**
 * The two GPT-2 tokens whose merge made merged token `g` (its parents in the merge tree): `g`'s bytes merged with
 * the ranks below `g`. Null for single bytes and end-of-text (and, defensively, if the merge does not end in two).
 */
export function gpt2Parents(g: number): readonly [number, number] | null {
  if (!Number.isInteger(g) || g < GPT2_FIRST_MERGED_ID || g >= GPT2_END_OF_TEXT_ID) return null;
  const ranks = gpt2RankOfKey();
  const below = (key: string): number | undefined => {
    const rank = ranks.get(key);
    return rank !== undefined && rank < g ? rank : undefined;
  };
  const [left, right, ...rest] = bytePairMerge(gpt2TokenBytes(g), below).map((key) => ranks.get(key) ?? -1);
  return left !== undefined && right !== undefined && left >= 0 && right >= 0 && rest.length === 0
    ? [left, right]
    : null;
}
