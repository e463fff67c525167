// The spam task from its emails (docs/model-and-data.md section 4.1): duplicates out first (dedupe-emails.ts), then a
// seeded stratified split into test (20%), validation (10%) and training (70%), a seeded stratified calibration
// sample taken out of the training part (calibration-slice.ts), the rest spread over the clients with a
// Dirichlet(alpha) label skew, each email as one row of its first seqLen tokens. Rounds are scored on validation;
// test is for the report alone.
import { type Result, type Rng, createRng, fail, ok } from "@airlora/core";
import type { Tokenizer } from "../tokenizer/tokenizer";
import { calibrationRowCount, stratifiedSample } from "./calibration-slice";
import { classificationShard } from "./classification-examples";
import { dedupeEmails, type Deduplication } from "./dedupe-emails";
import { dirichletPartition } from "./dirichlet-partition";
import type { PrepareOptions, PreparedTask } from "./prepared-task";
import { evenlySpacedRows, shardLabelCounts, shardTokenCount } from "./shard-rows";
import type { Shard } from "./shard";
import { stratifiedSplit } from "./stratified-split";

export const SPAM_TEST_FRACTION = 0.2;
export const SPAM_VALIDATION_FRACTION = 0.1;

export interface LabelledEmail {
  readonly text: string;
  /** 0 ham, 1 spam. */
  readonly label: number;
}

/** Indices into the emails given, each ascending; the three sets are disjoint and hold no two duplicates. */
export interface SpamSplit {
  readonly train: number[];
  readonly validation: number[];
  readonly test: number[];
  readonly duplicates: Omit<Deduplication, "kept">;
}

/** The split `prepareSpamTask` uses for this seed (the baselines use the same). */
export function splitSpam(emails: readonly LabelledEmail[], seed: number): SpamSplit {
  return splitSpamWith(emails, createRng(seed));
}

function splitSpamWith(emails: readonly LabelledEmail[], root: Rng): SpamSplit {
  const { kept, ...duplicates } = dedupeEmails(emails);
  const labelsOf = (indices: readonly number[]): number[] => indices.map((i) => emails[i]?.label ?? 0);
  const outer = stratifiedSplit(labelsOf(kept), SPAM_TEST_FRACTION, root.fork());
  const rest = outer.train.map((j) => kept[j] ?? -1);
  const inner = stratifiedSplit(labelsOf(rest), SPAM_VALIDATION_FRACTION / (1 - SPAM_TEST_FRACTION), root.fork());
  return {
    train: inner.train.map((j) => rest[j] ?? -1),
    validation: inner.test.map((j) => rest[j] ?? -1),
    test: outer.test.map((j) => kept[j] ?? -1),
    duplicates,
  };
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
  const split = splitSpamWith(emails, root);
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
  const fullValidation = rows(split.validation);
  const validationShard =
    options.evalLimit === undefined ? fullValidation : evenlySpacedRows(fullValidation, options.evalLimit);
  const testShard = rows(split.test);
  const share = (indices: readonly number[]): number =>
    indices.length === 0 ? 0 : indices.filter((i) => labels[i] === 1).length / indices.length;
  const stats = (shard: Shard) => ({
    rows: shard.lengths.length,
    tokens: shardTokenCount(shard),
    labelCounts: shardLabelCounts(shard) ?? [],
  });
  const used = [...split.train, ...split.validation, ...split.test];
  return ok({
    task: "spam",
    clientShards,
    validationShard,
    testShard,
    calibrationShard,
    stats: {
      dataset: {
        task: "spam",
        emails: emails.length,
        duplicates: split.duplicates,
        train: split.train.length,
        validation: split.validation.length,
        test: split.test.length,
        spamShare: {
          all: share(used),
          train: share(split.train),
          validation: share(split.validation),
          test: share(split.test),
        },
        truncatedShare: used.length === 0 ? 0 : used.filter((i) => (ids[i]?.length ?? 0) > seqLen).length / used.length,
        meanTokensPerEmail: used.length === 0 ? 0 : used.reduce((a, i) => a + (ids[i]?.length ?? 0), 0) / used.length,
      },
      clients: clientShards.map(stats),
      validation: stats(validationShard),
      test: stats(testShard),
      calibration: stats(calibrationShard),
      validationRowsAvailable: fullValidation.lengths.length,
    },
  });
}
