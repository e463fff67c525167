// A participant's local LoRA training (DESIGN.md sections 4.1-4.2, 5): N Adam steps on its shard with the base
// model frozen, loss = task loss + lambda * sum over modules of SOFT's R(A, B). The same code runs in a browser
// worker (webgpu, webgl, wasm, cpu) and in Node virtual clients (wasm, cpu). Leaves no tensors behind.
import * as tf from "@tensorflow/tfjs-core";
import { createRng, type AdapterSpec, type AdapterState } from "@airlora/core";
import { bindAdapter, disposeBound, readAdapter } from "../lora/adapter-binding";
import type { TaskHead } from "../lora/lora-targets";
import { softRegulariserTf } from "../lora/soft-regulariser";
import type { GptModel } from "../transformer/gpt";
import { adamStep, createAdamState, disposeAdamState } from "./adam";
import { sampleBatch } from "./batches";
import { cosineLearningRate } from "./lr-schedule";
import { taskLoss } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export interface TrainingProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly tokensPerSec: number;
  readonly elapsedMs: number;
  /** The learning rate this step used. */
  readonly learningRate: number;
}

export interface LocalTrainingOptions {
  readonly steps: number;
  readonly batchSize: number;
  /** The peak learning rate. */
  readonly learningRate: number;
  /** `constant` (the default: a federated round is a few local steps) or `cosine`: 10% linear warm-up, then cosine
   * decay to a tenth, for long centralised runs (after a linear probe it keeps late steps from undoing the head). */
  readonly schedule?: "constant" | "cosine";
  /** `whole` (the default) trains on whole rows; `random` on one random context window of each drawn classification
   * row that is longer than the model's context (batches.ts), so that long emails cost one context per step. */
  readonly windows?: "whole" | "random";
  /** Weight of SOFT's orthogonality regulariser; 0 turns it off. */
  readonly softLambda: number;
  /** `ffa` keeps A frozen at its seeded init and trains only B. */
  readonly freezeA?: boolean;
  readonly seed: number;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface LocalTrainingResult {
  readonly adapter: AdapterState;
  readonly meanLoss: number;
  readonly lastLoss: number;
  readonly tokens: number;
  readonly elapsedMs: number;
}

export async function trainLocally(
  model: GptModel,
  spec: AdapterSpec,
  task: TaskHead,
  start: AdapterState,
  data: TrainingExamples,
  options: LocalTrainingOptions,
): Promise<LocalTrainingResult> {
  if (exampleCount(data) === 0) throw new Error("no training examples");
  const trainA = options.freezeA !== true;
  const bound = bindAdapter(spec, start, { a: trainA, b: true, dense: true });
  const params = new Map<string, tf.Variable>();
  for (const v of [...(trainA ? bound.a : []), ...bound.b, ...bound.dense]) params.set(v.name, v);
  const adam = createAdamState(params);
  const rng = createRng(options.seed);
  const started = nowMs();
  let lossSum = 0;
  let lastLoss = Number.NaN;
  let tokens = 0;
  try {
    for (let step = 1; step <= options.steps; step += 1) {
      const batch = sampleBatch(
        data,
        options.batchSize,
        rng,
        task.kind === "classifier",
        // LM rows are nCtx + 1 tokens (inputs and shifted targets), never windows.
        options.windows === "random" && task.kind === "classifier" ? model.config.nCtx : undefined,
      );
      const learningRate =
        options.schedule === "cosine"
          ? cosineLearningRate(step - 1, options.steps, options.learningRate, Math.ceil(options.steps / 10))
          : options.learningRate;
      try {
        const { value, grads } = tf.variableGrads(() => {
          const loss = taskLoss(model, task, batch, bound.dense, { lora: bound.binding });
          if (options.softLambda === 0) return loss;
          const reg = tf.addN(bound.a.map((a, i) => softRegulariserTf(a, bound.b[i] ?? a)));
          return tf.add<tf.Scalar>(loss, tf.mul(reg, options.softLambda));
        }, [...params.values()]);
        adamStep(params, grads, adam, learningRate);
        lastLoss = (await value.data())[0] ?? Number.NaN;
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        tf.dispose([batch.tokens, batch.lengths, ...(batch.labels === undefined ? [] : [batch.labels])]);
      }
      // Give the event loop a turn: a Node virtual client must keep its socket alive while it trains, and awaiting
      // an already-resolved tensor read does not yield to timers or I/O.
      await nextMacrotask();
      lossSum += lastLoss;
      tokens += batch.tokenCount;
      const elapsedMs = nowMs() - started;
      options.onProgress?.({
        step,
        steps: options.steps,
        loss: lastLoss,
        tokensPerSec: elapsedMs > 0 ? (tokens * 1000) / elapsedMs : 0,
        elapsedMs,
        learningRate,
      });
    }
    return {
      adapter: await readAdapter(bound),
      meanLoss: lossSum / options.steps,
      lastLoss,
      tokens,
      elapsedMs: nowMs() - started,
    };
  } finally {
    disposeAdamState(adam);
    disposeBound(bound);
  }
}

/** setTimeout exists in browsers, workers and Node; this package compiles without DOM or Node types on purpose. */
const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown };

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => timers.setTimeout(resolve, 0));
}

function nowMs(): number {
  return tf.util.now();
}
