// The spam task from its emails (DESIGN.md section 5): a seeded stratified 80/20 split, the training part spread
// over the clients with a Dirichlet(alpha) label skew, each email as one row of its first seqLen tokens.
import { type Result, createRng, fail, ok } from "@airlora/core";
import type { Tokenizer } from "../tokenizer/tokenizer";
import { classificationShard } from "./classification-examples";
import { dirichletPartition } from "./dirichlet-partition";
import type { PrepareOptions, PreparedTask } from "./prepared-task";
import { evenlySpacedRows, shardLabelCounts, shardTokenCount } from "./shard-rows";
import type { Shard } from "./shard";
import { type IndexSplit, stratifiedSplit } from "./stratified-split";

export const SPAM_TEST_FRACTION = 0.2;

export interface LabelledEmail {
  readonly text: string;
  /** 0 ham, 1 spam. */
  readonly label: number;
}

/** The train/test split of `prepareSpamTask` for this seed (the naive Bayes baseline uses the same). */
export function splitSpam(labels: ArrayLike<number>, seed: number): IndexSplit {
  return stratifiedSplit(labels, SPAM_TEST_FRACTION, createRng(seed).fork());
}

export function prepareSpamTask(
  emails: readonly LabelledEmail[],
  tokenizer: Tokenizer,
  options: PrepareOptions,
): Result<PreparedTask> {
  const { clients, alpha, seed, seqLen } = options;
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > 65535) {
    return fail({ code: "invalid-seq-len", reason: "seqLen must be in [1, 65535]" });
  }
  const labels = emails.map((e) => e.label);
  const root = createRng(seed);
  const split = stratifiedSplit(labels, SPAM_TEST_FRACTION, root.fork());
  const parts = dirichletPartition(
    split.train.map((i) => labels[i] ?? 0),
    clients,
    alpha,
    root.fork(),
  );
  if (!parts.ok) return parts;
  const ids = emails.map((e) => tokenizer.encode(e.text));
  const rows = (indices: readonly number[]): Shard =>
    classificationShard(
      "spam",
      indices.map((i) => ({ ids: ids[i] ?? [], label: labels[i] ?? 0 })),
      seqLen,
      tokenizer.vocabSize,
    );
  const clientShards = parts.value.map((part) => rows(part.map((j) => split.train[j] ?? -1)));
  const fullEval = rows(split.test);
  const evalShard = options.evalLimit === undefined ? fullEval : evenlySpacedRows(fullEval, options.evalLimit);
  const share = (indices: readonly number[]): number =>
    indices.length === 0 ? 0 : indices.filter((i) => labels[i] === 1).length / indices.length;
  const stats = (shard: Shard) => ({
    rows: shard.lengths.length,
    tokens: shardTokenCount(shard),
    labelCounts: shardLabelCounts(shard) ?? [],
  });
  return ok({
    task: "spam",
    clientShards,
    evalShard,
    stats: {
      dataset: {
        task: "spam",
        emails: emails.length,
        train: split.train.length,
        test: split.test.length,
        spamShare: { all: share(labels.map((_, i) => i)), train: share(split.train), test: share(split.test) },
        truncatedShare: emails.length === 0 ? 0 : ids.filter((x) => x.length > seqLen).length / emails.length,
        meanTokensPerEmail: emails.length === 0 ? 0 : ids.reduce((a, x) => a + x.length, 0) / emails.length,
      },
      clients: clientShards.map(stats),
      eval: stats(evalShard),
      evalRowsAvailable: fullEval.lengths.length,
    },
  });
}
