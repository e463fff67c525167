import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_VOCAB_SIZE, FIXED_TOKEN_COUNT } from "../src/tokenizer/tokenizer-vocab";
import { readTokenizerVocab, writeTokenizerVocab } from "./tokenizer-file";

const dir = mkdtempSync(join(tmpdir(), "airlora-tokenizer-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("tokenizer file", () => {
  it("reads back what it writes", async () => {
    const vocab = { version: 1, vocabSize: FIXED_TOKEN_COUNT + 3, gpt2Ids: [300, 256, 9000] } as const;
    const path = join(dir, "t.json");
    await writeTokenizerVocab(vocab, "test", path);
    expect(readTokenizerVocab(path)).toEqual({ ok: true, value: vocab });
  });

  it("reports a missing or malformed file as a failure value", () => {
    expect(readTokenizerVocab(join(dir, "missing.json")).ok).toBe(false);
    writeFileSync(join(dir, "bad.json"), "{ not json");
    expect(readTokenizerVocab(join(dir, "bad.json")).ok).toBe(false);
  });

  it("finds the committed vocabulary valid, at the default size", () => {
    const committed = readTokenizerVocab();
    expect(committed.ok && committed.value.vocabSize).toBe(DEFAULT_VOCAB_SIZE);
  });
});
