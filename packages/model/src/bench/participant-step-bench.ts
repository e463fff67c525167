// Time and peak tensor memory of one training step with a participant's default configuration
// (training/participant-training.ts), for `npm run bench -- model` and the test that keeps tiny's step in budget.
import * as tf from "@tensorflow/tfjs-core";
import { initAdapter } from "@airlora/core";
import { parameterCount, type ModelConfig } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { createGpt, disposeGpt } from "../transformer/gpt";
import { initGpt2Weights } from "../weights/gpt2-layout";
import { trainLocally } from "../training/local-trainer";
import type { ParticipantTrainingConfig } from "../training/participant-training";
import { randomClassificationRows } from "./random-rows";

export interface ParticipantStepFigures {
  readonly preset: string;
  readonly backend: string;
  readonly rank: number;
  readonly batch: number;
  readonly microBatch: number;
  /** Tokens of one row a step reads (one window with random windows). */
  readonly stepTokensPerRow: number;
  readonly msPerStep: number;
  /** tfjs profiler peak of one step plus the frozen base weights (created before profiling). */
  readonly peakMegabytes: number;
}

/** One classification step of `training` at `rank` on random full-length rows (every token real, the worst case),
 * after a warm-up step; `steps` timed steps (0: memory only). */
export async function benchParticipantStep(
  config: ModelConfig,
  backend: string,
  training: ParticipantTrainingConfig,
  options: { readonly rank: number; readonly steps: number },
): Promise<ParticipantStepFigures> {
  const task: TaskHead = { kind: "classifier", classes: 2 };
  const spec = adapterSpecFor(config, { rank: options.rank, targets: training.targets, head: task });
  const model = createGpt(config, initGpt2Weights(config, 1));
  const seqLen = training.contextWindows * config.nCtx;
  const data = randomClassificationRows(config, 2 * training.batchSize, seqLen);
  try {
    const adapter = initAdapter(spec, 3);
    const train = (steps: number) =>
      trainLocally(model, spec, task, adapter, data, {
        steps,
        batchSize: training.batchSize,
        microBatchSize: training.microBatchSize,
        learningRate: training.learningRate,
        softLambda: training.softLambda,
        windows: training.windows,
        seed: 1,
      });
    await train(1); // kernel warm-up
    const profile = await tf.profile(async () => {
      await train(1);
    });
    const timed = options.steps > 0 ? await train(options.steps) : undefined;
    return {
      preset: config.preset,
      backend,
      rank: options.rank,
      batch: training.batchSize,
      microBatch: training.microBatchSize,
      stepTokensPerRow: training.windows === "random" ? config.nCtx : seqLen,
      msPerStep: timed === undefined ? Number.NaN : timed.elapsedMs / options.steps,
      peakMegabytes: (profile.peakBytes + 4 * parameterCount(config)) / 1e6,
    };
  } finally {
    disposeGpt(model);
  }
}
