import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GPT2_END_OF_TEXT_ID, gpt2Encode, gpt2Parents, gpt2TokenBytes } from "./gpt2-base";

describe("GPT-2 base vocabulary", () => {
  it("spells ids 0..255 with one byte each and every later id with two or more", () => {
    const wrong = Array.from({ length: GPT2_END_OF_TEXT_ID }, (_, g) => g).filter(
      (g) => gpt2TokenBytes(g).length > 1 !== g >= 256,
    );
    expect(wrong).toEqual([]);
  });

  it("finds two parents with smaller ids whose bytes join into each merged token", () => {
    fc.assert(
      fc.property(fc.integer({ min: 256, max: GPT2_END_OF_TEXT_ID - 1 }), (g) => {
        const parents = gpt2Parents(g);
        expect(parents).not.toBeNull();
        const [left, right] = parents ?? [0, 0];
        expect(Math.max(left, right)).toBeLessThan(g);
        expect([...gpt2TokenBytes(left), ...gpt2TokenBytes(right)]).toEqual([...gpt2TokenBytes(g)]);
      }),
      { numRuns: 500 },
    );
    expect(gpt2Parents(65)).toBeNull();
    expect(gpt2Parents(GPT2_END_OF_TEXT_ID)).toBeNull();
  });

  it("treats '<|endoftext|>' in text as ordinary characters", () => {
    expect(gpt2Encode("<|endoftext|>")).not.toContain(GPT2_END_OF_TEXT_ID);
  });
});
