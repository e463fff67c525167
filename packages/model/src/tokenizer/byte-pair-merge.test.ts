import { describe, expect, it } from "vitest";
import { bytePairMerge, bytesKey } from "./byte-pair-merge";

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const ranks =
  (table: Record<string, number>) =>
  (key: string): number | undefined =>
    table[key];

describe("byte pair merge", () => {
  it("merges the lowest-ranked known pair first", () => {
    expect(bytePairMerge(bytes("abc"), ranks({ ab: 5, bc: 3 }))).toEqual(["a", "bc"]);
    expect(bytePairMerge(bytes("abc"), ranks({ ab: 3, bc: 5 }))).toEqual(["ab", "c"]);
  });

  it("merges the leftmost pair when ranks tie, and keeps merging merged pieces", () => {
    expect(bytePairMerge(bytes("aaa"), ranks({ aa: 0 }))).toEqual(["aa", "a"]);
    expect(bytePairMerge(bytes("aaaa"), ranks({ aa: 0, aaaa: 1 }))).toEqual(["aaaa"]);
  });

  it("leaves bytes alone when no pair is known and keys bytes as char codes", () => {
    expect(bytePairMerge(bytes("xyz"), ranks({}))).toEqual(["x", "y", "z"]);
    expect(bytesKey(Uint8Array.of(0, 200, 255))).toBe("\u0000\u00c8\u00ff");
  });
});
