// What preparing a task yields: one shard per client, the validation shard every round is scored on, the test shard
// only the report reads, and the figures worth reporting.
import type { Shard, TaskName } from "./shard";

export interface PrepareOptions {
  readonly clients: number;
  /** Dirichlet concentration of the spam label skew (smaller = more skewed); the sotu split is by president. */
  readonly alpha: number;
  readonly seed: number;
  /** Tokens the model sees per row: spam rows hold seqLen tokens, sotu rows seqLen + 1 (inputs plus the shifted target). */
  readonly seqLen: number;
  /** Keep at most this many validation rows, evenly spaced over the validation set (server-side evaluation of every
   * round is costly). The test shard is never cut. */
  readonly evalLimit?: number;
  /** Rows of the calibration slice (`PreparedTask.calibrationShard`), carved from the training split before the
   * clients get theirs; absent or 0: 5% of the training rows, at most 256 (calibration-slice.ts). Otherwise a
   * whole number >= 1 that leaves training rows for the clients. */
  readonly calibrationRows?: number;
}

export interface ShardStats {
  readonly rows: number;
  /** Real (unpadded) tokens. */
  readonly tokens: number;
  /** Rows per class (spam: [ham, spam]). */
  readonly labelCounts?: readonly number[];
  /** sotu: the presidents whose addresses the shard holds. */
  readonly presidents?: readonly string[];
}

export interface SpamStats {
  readonly task: "spam";
  /** Emails in the corpus, duplicates included. */
  readonly emails: number;
  /** Emails left out before the split (dedupe-emails.ts). */
  readonly duplicates: { readonly exact: number; readonly near: number; readonly conflicting: number };
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly spamShare: {
    readonly all: number;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
  };
  /** Share of emails (duplicates left out) with more tokens than seqLen (their tail is cut). */
  readonly truncatedShare: number;
  readonly meanTokensPerEmail: number;
}

export interface SotuStats {
  readonly task: "sotu";
  readonly addresses: number;
  readonly presidents: number;
  /** "year president" of each validation address (each such president's second-last). */
  readonly validationAddresses: readonly string[];
  /** "year president" of each test address (each such president's last). */
  readonly testAddresses: readonly string[];
  /** "year president" of each address reserved for the calibration slice. */
  readonly calibrationAddresses: readonly string[];
}

export interface PreparedTask {
  readonly task: TaskName;
  readonly clientShards: readonly Shard[];
  /** What every round is scored on, and settings are chosen on (at most `evalLimit` rows). */
  readonly validationShard: Shard;
  /** Held out for the report: read once per run, never to choose anything. */
  readonly testShard: Shard;
  /** Training rows on no client and not in the evaluation set, for the coordinator's TSFA stage-1 pilot
   * (training/pilot.ts). spam: a seeded stratified sample of the training emails; sotu: windows of reserved
   * training addresses (one per president, never a president's last), evenly spaced. */
  readonly calibrationShard: Shard;
  readonly stats: {
    readonly dataset: SpamStats | SotuStats;
    readonly clients: readonly ShardStats[];
    readonly validation: ShardStats;
    readonly test: ShardStats;
    readonly calibration: ShardStats;
    /** Validation rows before `evalLimit`. */
    readonly validationRowsAvailable: number;
  };
}
