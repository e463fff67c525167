import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gpt2Encode, gpt2TokenBytes } from "./gpt2-base";
import { createTokenizer } from "./tokenizer";
import { BYTE_ID_OFFSET, EOS_ID, FIXED_TOKEN_COUNT, PAD_ID } from "./tokenizer-vocab";
import { buildTokenizerVocab, countGpt2Tokens } from "./vocab-builder";

const sample =
  "The quick brown fox jumps over the lazy dog. The whale, the ship and the sea; Call me Ishmael. " +
  "It was the best of times, it was the worst of times, and the people of the United States said so.";
const built = buildTokenizerVocab(countGpt2Tokens([sample.repeat(3)]), 512);
if (!built.ok) throw new Error(built.error.reason);
const vocab = built.value;
const tokenizer = createTokenizer(vocab);
const gpt2Decode = (g: number): string => String.fromCharCode(...gpt2TokenBytes(g));

const words = ["the", " whale", "Ishmael", "ship", " sea", ",", ".", "\n", "émigré", "日本語", "🐋", "<|endoftext|>"];
const text = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.array(fc.constantFrom(...words)).map((parts) => parts.join(" ")),
);

/** String.prototype.toWellFormed (ES2024), written out: each lone surrogate becomes U+FFFD. */
function wellFormed(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += s.slice(i, i + 2);
      i += 1;
    } else out += c >= 0xd800 && c <= 0xdfff ? "\uFFFD" : s.charAt(i);
  }
  return out;
}

describe("tokenizer", () => {
  it("decodes what it encodes back to the same string, for any well-formed unicode text", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(tokenizer.decode(tokenizer.encode(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it("turns lone surrogates into U+FFFD and keeps everything else", () => {
    const unit = fc.oneof(
      fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      fc.string({ unit: "binary", maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.string({ unit }), (s) => {
        expect(tokenizer.decode(tokenizer.encode(s))).toBe(wellFormed(s));
      }),
    );
  });

  it("emits only ids of the vocabulary and never pad or end-of-text for text", () => {
    fc.assert(
      fc.property(text, (s) => {
        const ids = tokenizer.encode(s);
        expect(ids.every((id) => id >= BYTE_ID_OFFSET && id < vocab.vocabSize)).toBe(true);
      }),
    );
  });

  it("maps a GPT-2 token in the vocabulary to one id", () => {
    const [the] = gpt2Encode(" the");
    expect(vocab.gpt2Ids.indexOf(the ?? -1)).toBeGreaterThanOrEqual(0);
    expect(tokenizer.encode(" the")).toEqual(Int32Array.of(FIXED_TOKEN_COUNT + vocab.gpt2Ids.indexOf(the ?? -1)));
  });

  it("splits a GPT-2 token outside the vocabulary by GPT-2's merges restricted to the vocabulary, bytes at worst", () => {
    const pieces = [" H", "it", "man"].map((p) => gpt2Encode(p)[0] ?? -1);
    const small = createTokenizer({ version: 1, vocabSize: FIXED_TOKEN_COUNT + 3, gpt2Ids: pieces });
    expect(gpt2Encode(" Hitman")).toHaveLength(1);
    // " H" and "it" merge from bytes; "man" would need "ma" or "an", which the vocabulary lacks.
    const byte = (c: string): number => BYTE_ID_OFFSET + c.charCodeAt(0);
    expect(Array.from(small.encode(" Hitman"))).toEqual([258, 259, byte("m"), byte("a"), byte("n")]);
    expect(Array.from(small.encode("é"))).toEqual([BYTE_ID_OFFSET + 0xc3, BYTE_ID_OFFSET + 0xa9]);
  });

  it("splits by GPT-2's merge priority: of two overlapping vocabulary tokens the lower GPT-2 rank wins", () => {
    const [io, on] = ["io", "on"].map((p) => gpt2Encode(p)[0] ?? -1);
    const small = createTokenizer({ version: 1, vocabSize: FIXED_TOKEN_COUNT + 2, gpt2Ids: [io ?? -1, on ?? -1] });
    expect(gpt2Encode("ion")).toHaveLength(1);
    const byte = (c: string): number => BYTE_ID_OFFSET + c.charCodeAt(0);
    const expected = (on ?? 0) < (io ?? 0) ? [byte("i"), 259] : [258, byte("n")];
    expect(Array.from(small.encode("ion"))).toEqual(expected);
  });

  it("leaves no two neighbouring pieces of a split token that would join into a vocabulary token", () => {
    const joined = new Set(vocab.gpt2Ids.map((g) => tokenizer.decode([FIXED_TOKEN_COUNT + vocab.gpt2Ids.indexOf(g)])));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 256, max: 50255 }), { maxLength: 20 }), (gpt2Ids) => {
        for (const g of gpt2Ids) {
          const text = gpt2Decode(g);
          if (gpt2Encode(text).length !== 1 || gpt2TokenBytes(g).some((b) => b > 0x7f)) continue;
          const ids = tokenizer.encode(text);
          for (let i = 0; i + 1 < ids.length; i += 1) {
            expect(joined.has(tokenizer.decode([ids[i] ?? 0, ids[i + 1] ?? 0]))).toBe(false);
          }
        }
      }),
    );
  });

  it("encodes the text '<|endoftext|>' as ordinary characters, not as the end-of-text id", () => {
    const ids = tokenizer.encode("a<|endoftext|>b");
    expect(Array.from(ids)).not.toContain(EOS_ID);
    expect(tokenizer.decode(ids)).toBe("a<|endoftext|>b");
  });

  it("decodes pad to nothing, end-of-text to its marker and ids outside the vocabulary to U+FFFD", () => {
    const [a] = tokenizer.encode("a");
    expect(tokenizer.decode([PAD_ID, a ?? 0, PAD_ID])).toBe("a");
    expect(tokenizer.decode([a ?? 0, EOS_ID])).toBe("a<|endoftext|>");
    expect(tokenizer.decode([-1, vocab.vocabSize, 2.5])).toBe("\uFFFD\uFFFD\uFFFD");
  });

  it("decodes any id sequence without throwing, even byte tokens that are not valid UTF-8", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: vocab.vocabSize + 3 })), (ids) => {
        expect(typeof tokenizer.decode(ids)).toBe("string");
      }),
    );
    expect(tokenizer.decode([BYTE_ID_OFFSET + 0xff])).toBe("\uFFFD");
  });
});
