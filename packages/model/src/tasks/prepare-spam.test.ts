import { describe, expect, it } from "vitest";
import { createTokenizer } from "../tokenizer/tokenizer";
import { buildTokenizerVocab, countGpt2Tokens } from "../tokenizer/vocab-builder";
import { defaultCalibrationRows } from "./calibration-slice";
import { prepareSpamTask, splitSpam } from "./prepare-spam";
import type { Shard } from "./shard";
import { checkShard } from "./shard";

const emails = Array.from({ length: 60 }, (_, i) => ({
  text: i % 3 === 0 ? `Win money now ${i}` : `Meeting notes ${i}`,
  label: i % 3 === 0 ? 1 : 0,
}));
const built = buildTokenizerVocab(countGpt2Tokens(emails.map((e) => e.text)), 400);
if (!built.ok) throw new Error(built.error.reason);
const tokenizer = createTokenizer(built.value);

const rowsOf = (shard: Shard): string[] =>
  Array.from(shard.lengths, (length, row) =>
    tokenizer.decode(shard.tokens.subarray(row * shard.seqLen, row * shard.seqLen + length)),
  );

function prepare(options: Partial<Parameters<typeof prepareSpamTask>[2]> = {}) {
  const prepared = prepareSpamTask(emails, tokenizer, { clients: 5, alpha: 0.5, seed: 7, seqLen: 32, ...options });
  if (!prepared.ok) throw new Error(prepared.error.reason);
  return prepared.value;
}

describe("prepare spam task", () => {
  it("gives the clients and the calibration slice exactly the training emails, each once, and scores on validation and test, apart", () => {
    const prepared = prepare();
    const split = splitSpam(emails, 7);
    const onClients = prepared.clientShards.flatMap(rowsOf);
    const calibration = rowsOf(prepared.calibrationShard);
    const texts = (indices: readonly number[]) => indices.map((i) => emails[i]?.text).sort();
    expect([...onClients, ...calibration].sort()).toEqual(texts(split.train));
    expect(new Set([...onClients, ...calibration]).size).toBe(split.train.length);
    expect(rowsOf(prepared.validationShard).sort()).toEqual(texts(split.validation));
    expect(rowsOf(prepared.testShard).sort()).toEqual(texts(split.test));
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([42, 6, 12]);
    expect(new Set([...split.train, ...split.validation, ...split.test]).size).toBe(60);
    const shards = [...prepared.clientShards, prepared.validationShard, prepared.testShard, prepared.calibrationShard];
    for (const shard of shards) expect(checkShard(shard).ok).toBe(true);
  });

  it("leaves duplicates out before splitting, so no email has a copy across the split", () => {
    const body = "Cheap toner cartridges for every printer, delivered tomorrow, ".repeat(5);
    const copies = [
      ...emails,
      { text: emails[0]?.text ?? "", label: 1 }, // an exact copy
      { text: `Deal 1\n\n${body} offer one`, label: 1 },
      { text: `Deal 2\n\n${body} offer two`, label: 1 }, // the same opening body
    ];
    const split = splitSpam(copies, 7);
    expect(split.duplicates).toEqual({ exact: 1, near: 1, conflicting: 0 });
    const used = [...split.train, ...split.validation, ...split.test];
    expect(used).toHaveLength(61);
    expect(used).not.toContain(60);
    expect(used.includes(61) !== used.includes(62)).toBe(true);
    const prepared = prepareSpamTask(copies, tokenizer, { clients: 5, alpha: 0.5, seed: 7, seqLen: 32 });
    if (!prepared.ok) throw new Error(prepared.error.reason);
    expect(prepared.value.stats.dataset).toMatchObject({ emails: 63, duplicates: { exact: 1, near: 1 } });
  });

  it("carves a seeded stratified calibration slice of the asked size, on no client and not in the evaluation set", () => {
    const prepared = prepare({ calibrationRows: 6 });
    const calibration = rowsOf(prepared.calibrationShard);
    expect(calibration).toHaveLength(6);
    const elsewhere = new Set([
      ...prepared.clientShards.flatMap(rowsOf),
      ...rowsOf(prepared.validationShard),
      ...rowsOf(prepared.testShard),
    ]);
    expect(calibration.filter((text) => elsewhere.has(text))).toEqual([]);
    // A third of the training emails are spam, so are a third of the slice.
    expect(prepared.stats.calibration).toMatchObject({ rows: 6, labelCounts: [4, 2] });
    expect(prepared.stats.clients.reduce((a, c) => a + c.rows, 0)).toBe(42 - 6);
    rowsOf(prepared.calibrationShard).forEach((text, row) => {
      expect(prepared.calibrationShard.labels?.[row]).toBe(text.startsWith("Win") ? 1 : 0);
    });
  });

  it("draws the same calibration slice for the same seed and another for another seed, the split unchanged", () => {
    const slice = (seed: number) => rowsOf(prepare({ seed, calibrationRows: 10 }).calibrationShard);
    expect(slice(7)).toEqual(slice(7));
    expect(slice(8)).not.toEqual(slice(7));
    expect(rowsOf(prepare({ seed: 7, calibrationRows: 10 }).testShard)).toEqual(rowsOf(prepare().testShard));
    expect(rowsOf(prepare({ seed: 7, calibrationRows: 10 }).validationShard)).toEqual(
      rowsOf(prepare().validationShard),
    );
  });

  it("takes 5% of the training emails (at most 256, at least 1) when calibrationRows is absent or 0", () => {
    expect(prepare().stats.calibration.rows).toBe(2); // round(0.05 * 42)
    expect(prepare({ calibrationRows: 0 }).stats.calibration.rows).toBe(2);
    expect(defaultCalibrationRows(10)).toBe(1);
    expect(defaultCalibrationRows(4837)).toBe(242);
    expect(defaultCalibrationRows(100_000)).toBe(256);
  });

  it("keeps labels with their emails and reports sizes, label counts and spam shares", () => {
    const prepared = prepare();
    for (const shard of prepared.clientShards) {
      rowsOf(shard).forEach((text, row) => {
        expect(shard.labels?.[row]).toBe(text.startsWith("Win") ? 1 : 0);
      });
    }
    const { stats } = prepared;
    expect(stats.clients.reduce((a, c) => a + c.rows, 0)).toBe(42 - stats.calibration.rows);
    expect(stats.clients.every((c) => c.rows >= 1)).toBe(true);
    expect(stats.test.labelCounts).toEqual([8, 4]);
    expect(stats.validation.labelCounts).toEqual([4, 2]);
    expect(stats.dataset).toMatchObject({
      task: "spam",
      emails: 60,
      duplicates: { exact: 0, near: 0, conflicting: 0 },
      train: 42,
      validation: 6,
      test: 12,
      truncatedShare: 0,
    });
    expect(stats.dataset.task === "spam" && stats.dataset.spamShare).toEqual({
      all: 1 / 3,
      train: 1 / 3,
      validation: 1 / 3,
      test: 1 / 3,
    });
  });

  it("cuts rows to seqLen and the validation set (never test) to evalLimit evenly spaced rows", () => {
    const prepared = prepare({ seqLen: 2, evalLimit: 5 });
    expect(prepared.validationShard.lengths.length).toBe(5);
    expect(prepared.stats.validationRowsAvailable).toBe(6);
    expect(prepared.testShard.lengths.length).toBe(12);
    expect(Math.max(...prepared.clientShards.flatMap((s) => Array.from(s.lengths)))).toBe(2);
    expect(prepared.stats.dataset.task === "spam" && prepared.stats.dataset.truncatedShare).toBe(1);
  });

  it("fails as a value for impossible options", () => {
    expect(prepareSpamTask(emails, tokenizer, { clients: 100, alpha: 1, seed: 0, seqLen: 8 }).ok).toBe(false);
    expect(prepareSpamTask(emails, tokenizer, { clients: 2, alpha: 1, seed: 0, seqLen: 0 }).ok).toBe(false);
    for (const calibrationRows of [-1, 1.5, 42, 41]) {
      // 41 leaves one training email, fewer than the 5 clients.
      expect(prepareSpamTask(emails, tokenizer, { clients: 5, alpha: 1, seed: 0, seqLen: 8, calibrationRows }).ok).toBe(
        false,
      );
    }
  });
});
