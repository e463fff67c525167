import { describe, expect, it } from "vitest";
import { brownToText } from "./brown-text";

describe("brown corpus text", () => {
  it("strips tags, attaches punctuation and quotes, and keeps paragraphs apart", () => {
    const tagged =
      "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' was/bedz found/vbn (/( 1/2/cd )/) ./.\n" +
      "It/pps ended/vbd ;/. ;/.\nbut/cc not/* quite/rb --/-- yet/rb !/.\n\n\n\tNext/ap paragraph/nn by/in Ivan/np Allen/np Jr./np ./.\n";
    expect(brownToText(tagged)).toBe(
      'The jury said "no evidence" was found (1/2). It ended; but not quite -- yet!\n\nNext paragraph by Ivan Allen Jr.',
    );
  });

  it("returns nothing for a file without tokens", () => {
    expect(brownToText("\n\n\t\n")).toBe("");
  });
});
