// Speed figures for `npm run bench -- model`: a LoRA training step's time and its achieved GFLOP/s next to a plain
// matMul's GFLOP/s on the same backend, so the ratio says how close training gets to the backend's own peak.
import * as tf from "@tensorflow/tfjs-core";
import { initAdapter } from "@airlora/core";
import { parameterCount, type ModelConfig } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { createGpt, disposeGpt } from "../transformer/gpt";
import { initGpt2Weights } from "../weights/gpt2-layout";
import { trainLocally } from "../training/local-trainer";
import { randomClassificationRows } from "./random-rows";

export interface LoraStepFigures {
  readonly preset: string;
  readonly backend: string;
  readonly batch: number;
  readonly seqLen: number;
  readonly firstStepMs: number;
  readonly msPerStep: number;
  readonly tokensPerSec: number;
  readonly gflopsPerSec: number;
  readonly matMulGflopsPerSec: number;
  /** Peak tensor memory of one training step (tfjs profile), weights and adapter included. */
  readonly peakMegabytes: number;
}

/** Forward FLOPs of the decoder for `tokens` tokens of context `seqLen` (2 per multiply-add). */
export function forwardFlops(config: ModelConfig, batch: number, seqLen: number, task: TaskHead): number {
  const d = config.nEmbd;
  const tokens = batch * seqLen;
  const perLayer = 2 * tokens * (3 * d * d + d * d + 8 * d * d) + 2 * 2 * batch * seqLen * seqLen * d;
  const head = task.kind === "lm" ? 2 * tokens * d * config.vocabSize : 2 * batch * d * 2;
  return config.nLayer * perLayer + head;
}

/** A LoRA step with a frozen base costs about twice the forward pass: backward needs input gradients through every
 * frozen layer (one more pass) while the LoRA weight gradients are negligible. */
export function loraStepFlops(config: ModelConfig, batch: number, seqLen: number, task: TaskHead): number {
  return 2 * forwardFlops(config, batch, seqLen, task);
}

/** A LoRA training step of a randomly initialised `config` model (rank 8, classifier head) on random full rows, on
 * the active backend: what the benchmark and the participant's backend choice time. Dispose when done. */
export interface LoraStepRunner {
  /** `steps` steps from the same start; resolves with their wall time. */
  train(steps: number): Promise<{ readonly elapsedMs: number }>;
  dispose(): void;
}

export function loraStepRunner(config: ModelConfig, options: { batch: number; seqLen: number }): LoraStepRunner {
  const task: TaskHead = { kind: "classifier", classes: 2 };
  const spec = adapterSpecFor(config, { rank: 8, head: task });
  const model = createGpt(config, initGpt2Weights(config, 1));
  const data = randomClassificationRows(config, options.batch * 2, options.seqLen);
  const adapter = initAdapter(spec, 3);
  return {
    train: (steps) =>
      trainLocally(model, spec, task, adapter, data, {
        steps,
        batchSize: options.batch,
        learningRate: 1e-3,
        softLambda: 0.01,
        seed: 1,
      }),
    dispose: () => {
      disposeGpt(model);
    },
  };
}

/** One warm-up step (shader compilation, kernel set-up), then the least time of `steps` single timed steps. */
export async function timeLoraStep(
  config: ModelConfig,
  options: { batch: number; seqLen: number; steps: number },
): Promise<{ readonly firstStepMs: number; readonly msPerStep: number }> {
  const runner = loraStepRunner(config, options);
  try {
    const first = await runner.train(1);
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < options.steps; i += 1) best = Math.min(best, (await runner.train(1)).elapsedMs);
    return { firstStepMs: first.elapsedMs, msPerStep: best };
  } finally {
    runner.dispose();
  }
}

export async function benchLoraStep(
  config: ModelConfig,
  backend: string,
  options: { batch: number; seqLen: number; steps: number },
): Promise<LoraStepFigures> {
  const task: TaskHead = { kind: "classifier", classes: 2 };
  const runner = loraStepRunner(config, options);
  try {
    const first = await runner.train(1); // includes shader compilation / kernel warm-up
    const profile = await tf.profile(async () => {
      await runner.train(1);
    });
    const timed = await runner.train(options.steps);
    const msPerStep = timed.elapsedMs / options.steps;
    return {
      preset: config.preset,
      backend,
      batch: options.batch,
      seqLen: options.seqLen,
      firstStepMs: first.elapsedMs,
      msPerStep,
      tokensPerSec: (options.batch * options.seqLen * 1000) / msPerStep,
      gflopsPerSec: loraStepFlops(config, options.batch, options.seqLen, task) / msPerStep / 1e6,
      matMulGflopsPerSec: await benchMatMul(options.batch * options.seqLen, config.nEmbd, 4 * config.nEmbd),
      peakMegabytes: (profile.peakBytes + weightBytes(config)) / 1e6,
    };
  } finally {
    runner.dispose();
  }
}

/** GFLOP/s of an [m, k] x [k, n] matMul on the active backend (the largest matMul of a training step). */
export async function benchMatMul(m: number, k: number, n: number, repeats = 10): Promise<number> {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  try {
    await tf.matMul(a, b).data(); // warm-up
    const started = tf.util.now();
    for (let i = 0; i < repeats; i += 1) {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    }
    const seconds = (tf.util.now() - started) / 1000;
    return (2 * m * k * n * repeats) / seconds / 1e9;
  } finally {
    tf.dispose([a, b]);
  }
}

/** The frozen base weights (float32), created before profiling starts and so not in its peak. */
function weightBytes(config: ModelConfig): number {
  return 4 * parameterCount(config);
}
