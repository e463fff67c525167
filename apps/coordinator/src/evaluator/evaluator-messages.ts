// What the coordinator's main thread and its evaluation worker say to each other (docs/architecture.md): the worker
// owns tfjs, the base model, the task's data and the validation split, so tfjs never blocks the sockets.
import type { AdapterSpec, AdapterState, Contribution, Failure } from "@airlora/core";
import type { LoraTargetName, PresetName, RoundEvaluation, TaskName, TrainingSettings } from "@airlora/protocol";

export interface PrepareRequest {
  readonly type: "prepare";
  readonly preset: PresetName;
  readonly task: TaskName;
  readonly shards: number;
  readonly alpha: number;
  readonly seed: number;
  /** Classification rows hold this many context windows. */
  readonly contextWindows: number;
  readonly evalRows: number | undefined;
  /** What `evaluate` scores on: validation for every round; test only for the report's one final reading. */
  readonly split: "validation" | "test";
  /** TSFA stage 1's pilot at the largest candidate rank; null with --rank. */
  readonly pilot: {
    readonly rank: number;
    readonly targets: readonly LoraTargetName[];
    readonly steps: number;
    readonly training: TrainingSettings;
  } | null;
}

export interface PreparedData {
  /** Encoded client shards (shard codec) and their training rows. */
  readonly shards: readonly { readonly bytes: Uint8Array; readonly rows: number }[];
  /** Rows `evaluate` scores on (the split asked for), and how many validation holds before `--eval-rows`. */
  readonly evalRows: number;
  readonly evalRowsAvailable: number;
  readonly calibrationRows: number;
  /** The task's figures (rows, tokens, labels per shard...), as plain JSON for the manifest. */
  readonly stats: unknown;
  readonly pilot: { readonly spectrum: readonly number[]; readonly msPerStep: number } | null;
}

export interface EvaluateRequest {
  readonly type: "evaluate";
  readonly spec: AdapterSpec;
  readonly adapter: AdapterState;
  /** The round's updates, for the separation-gap diagnostic (core's updateSeparationGap). */
  readonly diagnose?: { readonly global: AdapterState; readonly contributions: readonly Contribution[] };
}

export interface EvaluatedRound {
  readonly evaluation: RoundEvaluation;
  /** null when not asked for, or not computable (no energy, a module too large). */
  readonly separationGap: number | null;
}

export type EvaluatorRequest = PrepareRequest | EvaluateRequest;

export type EvaluatorReply =
  | { readonly ok: true; readonly value: PreparedData | EvaluatedRound }
  | { readonly ok: false; readonly error: Failure };

export interface Envelope<T> {
  readonly id: number;
  readonly body: T;
}
