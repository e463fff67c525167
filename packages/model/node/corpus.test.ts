import { describe, expect, it } from "vitest";
import { type CorpusDocument, splitPretrainingDocuments } from "./corpus";

const docs = (source: CorpusDocument["source"], ids: readonly string[]): CorpusDocument[] =>
  ids.map((id) => ({ source, id, text: `${source} ${id}` }));

describe("pretraining corpus split", () => {
  it("holds out every 20th Brown document and the last Moby Dick chapters, each document exactly once", () => {
    const brown = docs(
      "brown",
      Array.from({ length: 45 }, (_, i) => `c${i}`),
    );
    const moby = docs("moby-dick", ["Etymology", "1", "130", "131", "135", "Epilogue"]);
    const { train, validation } = splitPretrainingDocuments(brown, moby);
    expect(validation.map((d) => d.id)).toEqual(["c19", "c39", "131", "135", "Epilogue"]);
    expect(train).toHaveLength(brown.length + moby.length - validation.length);
    expect(new Set([...train, ...validation]).size).toBe(brown.length + moby.length);
  });
});
