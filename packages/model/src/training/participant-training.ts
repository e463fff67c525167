// What a participant trains with by default, per base model: the centralised reference run's recipe
// (node/reference-run.ts: LoRA on emb,q,v,o,mlp, lr 0.003, SOFT lambda 0.01, one random window per email and step,
// a head fitted by a linear probe first) with a constant learning rate, since a federated round is a few local
// steps, and a batch split into micro-batches so that a step fits a phone's memory.
import type { PresetName } from "../config/model-config";
import type { LoraTarget } from "../lora/lora-targets";

export interface ParticipantTrainingConfig {
  /** Rows drawn per step. */
  readonly batchSize: number;
  /** Rows per forward/backward pass (trainLocally's gradient accumulation): bounds a step's peak memory. */
  readonly microBatchSize: number;
  /** Constant (trainLocally's default schedule). */
  readonly learningRate: number;
  readonly softLambda: number;
  readonly windows: "whole" | "random";
  /** Classification rows hold this many nCtx windows (the shard's seqLen is contextWindows * nCtx); training reads
   * one random window of each drawn row, evaluation reads them all. */
  readonly contextWindows: number;
  readonly targets: readonly LoraTarget[];
  /** The linear probe that fits the classifier head before LoRA fine-tuning (fitLinearHead). */
  readonly probeIterations: number;
  readonly probeLearningRate: number;
  readonly probeL2: number;
}

const REFERENCE_RECIPE = {
  learningRate: 0.003,
  softLambda: 0.01,
  windows: "random",
  targets: ["emb", "q", "v", "o", "mlp"],
  probeLearningRate: 0.01,
  probeL2: 1e-4,
} as const;

/**
 * tiny: one step of 8 rows x 128 tokens in micro-batches of 2 peaks at 186 MB of tensor memory at rank 32 (the
 * largest rank TSFA picks), base weights included, against 598 MB unsplit and 1,154 MB for the reference run's batch
 * of 16 (tfjs profiler, Node wasm; micro-batches of 4 would need 322 MB), at ~0.8 s per step like the unsplit one,
 * so a round of ~20 local steps takes ~16 s (packages/model/README.md, docs/design-notes.md "Phone memory budget").
 * Emails are read as 8 windows (1,024 tokens), as in the reference run. nano (tests, CI): one 64-token window,
 * unsplit.
 */
export const PARTICIPANT_TRAINING: Readonly<Record<PresetName, ParticipantTrainingConfig>> = {
  nano: { ...REFERENCE_RECIPE, batchSize: 8, microBatchSize: 8, contextWindows: 1, probeIterations: 200 },
  // A federated round restarts Adam with a constant rate: at 0.003 tiny's held-out loss rose again after the first
  // round (0.17 -> 0.32 over two more, two participants), at 0.001 it kept falling (0.48 -> 0.17 -> 0.19; one run each,
  // 64 held-out emails; docs/design-notes.md, "Federated rounds").
  tiny: {
    ...REFERENCE_RECIPE,
    learningRate: 0.001,
    batchSize: 8,
    microBatchSize: 2,
    contextWindows: 8,
    probeIterations: 1500,
  },
};
