// The spam task from its emails (docs/model-and-data.md section 4.1): a seeded stratified 80/20 split, a seeded
// stratified calibration sample taken out of the training part (calibration-slice.ts), the rest spread over the
// clients with a Dirichlet(alpha) label skew, each email as one row of its first seqLen tokens.
import { type Result, createRng, fail, ok } from "@airlora/core";
import type { Tokenizer } from "../tokenizer/tokenizer";
import { calibrationRowCount, stratifiedSample } from "./calibration-slice";
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
  const partitionRng = root.fork();
  const calibrationRows = calibrationRowCount(options.calibrationRows, split.train.length);
  if (!calibrationRows.ok) return calibrationRows;
  // The calibration emails leave the training split before the partition: no client ever holds one.
  const picked = new Set(
    stratifiedSample(
      split.train.map((i) => labels[i] ?? 0),
      calibrationRows.value,
      root.fork(),
    ),
  );
  const calibration = split.train.filter((_, j) => picked.has(j));
  const pool = split.train.filter((_, j) => !picked.has(j));
  const parts = dirichletPartition(
    pool.map((i) => labels[i] ?? 0),
    clients,
    alpha,
    partitionRng,
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
  const clientShards = parts.value.map((part) => rows(part.map((j) => pool[j] ?? -1)));
  const calibrationShard = rows(calibration);
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
    calibrationShard,
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
      calibration: stats(calibrationShard),
      evalRowsAvailable: fullEval.lengths.length,
    },
  });
}
