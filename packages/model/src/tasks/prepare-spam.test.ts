import { describe, expect, it } from "vitest";
import { createTokenizer } from "../tokenizer/tokenizer";
import { buildTokenizerVocab, countGpt2Tokens } from "../tokenizer/vocab-builder";
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
  it("gives the clients exactly the training emails, each once, and evaluates on exactly the test emails", () => {
    const prepared = prepare();
    const split = splitSpam(
      emails.map((e) => e.label),
      7,
    );
    const onClients = prepared.clientShards.flatMap(rowsOf).sort();
    expect(onClients).toEqual(split.train.map((i) => emails[i]?.text).sort());
    expect(rowsOf(prepared.evalShard).sort()).toEqual(split.test.map((i) => emails[i]?.text).sort());
    expect(split.test).toHaveLength(12);
    for (const shard of [...prepared.clientShards, prepared.evalShard]) expect(checkShard(shard).ok).toBe(true);
  });

  it("keeps labels with their emails and reports sizes, label counts and spam shares", () => {
    const prepared = prepare();
    for (const shard of prepared.clientShards) {
      rowsOf(shard).forEach((text, row) => {
        expect(shard.labels?.[row]).toBe(text.startsWith("Win") ? 1 : 0);
      });
    }
    const { stats } = prepared;
    expect(stats.clients.reduce((a, c) => a + c.rows, 0)).toBe(48);
    expect(stats.clients.every((c) => c.rows >= 1)).toBe(true);
    expect(stats.eval.labelCounts).toEqual([8, 4]);
    expect(stats.dataset).toMatchObject({ task: "spam", emails: 60, train: 48, test: 12, truncatedShare: 0 });
    expect(stats.dataset.task === "spam" && stats.dataset.spamShare).toEqual({ all: 1 / 3, train: 1 / 3, test: 1 / 3 });
  });

  it("cuts rows to seqLen and the evaluation set to evalLimit evenly spaced rows", () => {
    const prepared = prepare({ seqLen: 2, evalLimit: 5 });
    expect(prepared.evalShard.lengths.length).toBe(5);
    expect(prepared.stats.evalRowsAvailable).toBe(12);
    expect(Math.max(...prepared.clientShards.flatMap((s) => Array.from(s.lengths)))).toBe(2);
    expect(prepared.stats.dataset.task === "spam" && prepared.stats.dataset.truncatedShare).toBe(1);
  });

  it("fails as a value for impossible options", () => {
    expect(prepareSpamTask(emails, tokenizer, { clients: 100, alpha: 1, seed: 0, seqLen: 8 }).ok).toBe(false);
    expect(prepareSpamTask(emails, tokenizer, { clients: 2, alpha: 1, seed: 0, seqLen: 0 }).ok).toBe(false);
  });
});
