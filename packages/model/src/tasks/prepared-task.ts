// What preparing a task yields: one shard per client, the evaluation shard and the figures worth reporting.
import type { Shard, TaskName } from "./shard";

export interface PrepareOptions {
  readonly clients: number;
  /** Dirichlet concentration of the spam label skew (smaller = more skewed); the sotu split is by president. */
  readonly alpha: number;
  readonly seed: number;
  /** Tokens the model sees per row: spam rows hold seqLen tokens, sotu rows seqLen + 1 (inputs plus the shifted target). */
  readonly seqLen: number;
  /** Keep at most this many evaluation rows, evenly spaced over the evaluation set (server-side evaluation is costly). */
  readonly evalLimit?: number;
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
  readonly emails: number;
  readonly train: number;
  readonly test: number;
  readonly spamShare: { readonly all: number; readonly train: number; readonly test: number };
  /** Share of emails with more tokens than seqLen (their tail is cut). */
  readonly truncatedShare: number;
  readonly meanTokensPerEmail: number;
}

export interface SotuStats {
  readonly task: "sotu";
  readonly addresses: number;
  readonly presidents: number;
  /** "year president" of each held-out address. */
  readonly evalAddresses: readonly string[];
}

export interface PreparedTask {
  readonly task: TaskName;
  readonly clientShards: readonly Shard[];
  readonly evalShard: Shard;
  readonly stats: {
    readonly dataset: SpamStats | SotuStats;
    readonly clients: readonly ShardStats[];
    readonly eval: ShardStats;
    /** Evaluation rows before `evalLimit`. */
    readonly evalRowsAvailable: number;
  };
}
