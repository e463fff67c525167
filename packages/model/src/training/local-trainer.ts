// A participant's local LoRA training (docs/model-and-data.md section 7): N Adam steps on its shard with the base
// model frozen, loss = task loss + lambda * sum over modules of SOFT's R(A, B). The same code runs in a browser
// worker (webgpu, webgl, wasm, cpu) and in Node virtual clients (wasm, cpu). Leaves no tensors behind.
import * as tf from "@tensorflow/tfjs-core";
import { createRng, type AdapterSpec, type AdapterState } from "@airlora/core";
import { type BoundAdapter, bindAdapter, disposeBound, loraFactors, readAdapter } from "../lora/adapter-binding";
import type { TaskHead } from "../lora/lora-targets";
import { softRegulariserSumTf } from "../lora/soft-regulariser";
import type { GptModel } from "../transformer/gpt";
import { adamStep, createAdamState, disposeAdamState } from "./adam";
import { type SampledBatch, sampleBatch } from "./batches";
import { cosineLearningRate } from "./lr-schedule";
import { type Batch, taskLoss } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export interface TrainingProgress {
  readonly step: number;
  readonly steps: number;
  readonly loss: number;
  readonly tokensPerSec: number;
  readonly elapsedMs: number;
  /** The learning rate this step used. */
  readonly learningRate: number;
  /** lambda R(A, B) of the step, not included in `loss` (the task loss). */
  readonly regulariser: number;
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
  /** Rows per forward/backward pass (gradient accumulation): a step still draws `batchSize` rows, then sums the
   * gradients of micro-batches of at most this many rows, each weighted by its share of the rows, and takes one
   * Adam step. Bounds a step's peak tensor memory (a phone's budget) at the same maths; at or above `batchSize`
   * (or absent) the step is the unsplit one, bit for bit. */
  readonly microBatchSize?: number;
  /** Checked before every step: once aborted, training stops and returns what it has (structurally an
   * AbortSignal; this package compiles without DOM types). */
  readonly signal?: { readonly aborted: boolean };
  /** Absolute time on `now`'s clock: a step starts only while `now() < deadlineMs`. */
  readonly deadlineMs?: number;
  /** The clock of `deadlineMs` (default `tf.util.now()`), so that a simulator can drive the deadline with its own
   * clock. `elapsedMs` and tokens/s stay on the real clock: they measure this device. */
  readonly now?: () => number;
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface LocalTrainingResult {
  /** After `stepsDone` steps; with none, a copy of `start`. */
  readonly adapter: AdapterState;
  /** Mean task loss over the steps (SOFT's penalty excluded); NaN when no step ran. */
  readonly meanLoss: number;
  readonly lastLoss: number;
  readonly tokens: number;
  readonly elapsedMs: number;
  readonly stepsDone: number;
  /** `steps`: all of them ran; `deadline` / `abort`: stopped early by `deadlineMs` / `signal`. */
  readonly stoppedBy: "steps" | "deadline" | "abort";
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
  const micro = options.microBatchSize;
  if (micro !== undefined && !(Number.isInteger(micro) && micro >= 1)) {
    throw new RangeError(`microBatchSize must be a whole number >= 1 (got ${String(micro)})`);
  }
  const trainA = options.freezeA !== true;
  const bound = bindAdapter(spec, start, { a: trainA, b: true, dense: true });
  const params = new Map<string, tf.Variable>();
  for (const v of [...(trainA ? bound.a : []), ...bound.b, ...bound.dense]) params.set(v.name, v);
  const adam = createAdamState(params);
  const rng = createRng(options.seed);
  const now = options.now ?? nowMs;
  const started = nowMs();
  let lossSum = 0;
  let lastLoss = Number.NaN;
  let lastPenalty: number;
  let tokens = 0;
  let stepsDone = 0;
  let stoppedBy: LocalTrainingResult["stoppedBy"] = "steps";
  try {
    for (let step = 1; step <= options.steps; step += 1) {
      if (options.signal?.aborted === true) {
        stoppedBy = "abort";
        break;
      }
      if (options.deadlineMs !== undefined && now() >= options.deadlineMs) {
        stoppedBy = "deadline";
        break;
      }
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
        const { value, grads } = batchGradients(model, task, bound, params, batch, options);
        // The task loss is what a person reads: SOFT's R jumps from 0 to O(r) per module as soon as B leaves 0
        // (it is scale-free), which would drown the task loss in the first steps of every run.
        const penalty = options.softLambda === 0 ? undefined : tf.tidy(() => softPenalty(bound, options.softLambda));
        adamStep(params, grads, adam, learningRate);
        const total = (await value.data())[0] ?? Number.NaN;
        lastPenalty = penalty === undefined ? 0 : ((await penalty.data())[0] ?? Number.NaN);
        lastLoss = total - lastPenalty;
        tf.dispose([value, ...(penalty === undefined ? [] : [penalty]), ...Object.values(grads)]);
      } finally {
        disposeBatch(batch);
      }
      // Give the event loop a turn: a Node virtual client must keep its socket alive while it trains, and awaiting
      // an already-resolved tensor read does not yield to timers or I/O.
      await nextMacrotask();
      stepsDone = step;
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
        regulariser: lastPenalty,
      });
    }
    return {
      adapter: await readAdapter(bound),
      meanLoss: stepsDone === 0 ? Number.NaN : lossSum / stepsDone,
      lastLoss,
      tokens,
      elapsedMs: nowMs() - started,
      stepsDone,
      stoppedBy,
    };
  } finally {
    disposeAdamState(adam);
    disposeBound(bound);
  }
}

/** The loss (task loss + lambda R) of one drawn batch and its gradients by parameter name: in one pass, or summed
 * over micro-batches of at most `microBatchSize` rows, each micro-batch's mean loss weighted by its share of the
 * rows (so the sum is the batch's mean loss) and R counted once. */
function batchGradients(
  model: GptModel,
  task: TaskHead,
  bound: BoundAdapter,
  params: ReadonlyMap<string, tf.Variable>,
  batch: SampledBatch,
  options: LocalTrainingOptions,
): { value: tf.Scalar; grads: Record<string, tf.Tensor> } {
  const variables = [...params.values()];
  const rows = batch.tokens.shape[0];
  const micro = options.microBatchSize ?? rows;
  const regulariser = (): tf.Scalar | undefined => softPenalty(bound, options.softLambda);
  if (micro >= rows) {
    return tf.variableGrads(() => {
      const loss = taskLoss(model, task, batch, bound.dense, { lora: bound.binding });
      const reg = regulariser();
      return reg === undefined ? loss : tf.add<tf.Scalar>(loss, reg);
    }, variables);
  }
  let value: tf.Scalar | undefined;
  let grads: Record<string, tf.Tensor> = {};
  for (let start = 0; start < rows; start += micro) {
    const part = sliceRows(batch, start, Math.min(micro, rows - start));
    try {
      const share = part.tokens.shape[0] / rows;
      const result = tf.variableGrads(() => {
        const loss = tf.mul<tf.Scalar>(taskLoss(model, task, part, bound.dense, { lora: bound.binding }), share);
        const reg = start === 0 ? regulariser() : undefined;
        return reg === undefined ? loss : tf.add<tf.Scalar>(loss, reg);
      }, variables);
      value = accumulate(value, result.value);
      grads = accumulateAll(grads, result.grads);
    } finally {
      disposeBatch(part);
    }
  }
  if (value === undefined) throw new Error("a batch without rows"); // sampleBatch draws >= 1 row
  return { value, grads };
}

/** lambda * sum over modules of R(A, B), or undefined when lambda is 0. */
function softPenalty(bound: BoundAdapter, lambda: number): tf.Scalar | undefined {
  if (lambda === 0) return undefined;
  return tf.mul<tf.Scalar>(softRegulariserSumTf(loraFactors(bound)), lambda);
}

/** Rows [start, start + count) of a batch. */
function sliceRows(batch: Batch, start: number, count: number): Batch {
  const width = batch.tokens.shape[1];
  return {
    tokens: tf.slice(batch.tokens, [start, 0], [count, width]),
    lengths: tf.slice(batch.lengths, [start], [count]),
    ...(batch.labels === undefined ? {} : { labels: tf.slice(batch.labels, [start], [count]) }),
  };
}

/** sum + x, disposing both inputs (x alone when there is no sum yet). */
function accumulate<T extends tf.Tensor>(sum: T | undefined, x: T): T {
  if (sum === undefined) return x;
  const next = tf.add<T>(sum, x);
  tf.dispose([sum, x]);
  return next;
}

function accumulateAll(
  sums: Record<string, tf.Tensor>,
  parts: Readonly<Record<string, tf.Tensor>>,
): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = { ...sums };
  for (const [name, grad] of Object.entries(parts)) out[name] = accumulate(sums[name], grad);
  return out;
}

function disposeBatch(batch: Batch): void {
  tf.dispose([batch.tokens, batch.lengths, ...(batch.labels === undefined ? [] : [batch.labels])]);
}

/** A macrotask turn without a timer's minimum delay: setTimeout(0) waits ~1 ms in Node and 4 ms once nested in a
 * browser, which on a nano step (~60 ms) was a few percent of a simulation. setImmediate (Node) runs after pending
 * I/O; a MessageChannel message (browsers, workers) is a task of its own. This package compiles without DOM or Node
 * types on purpose, hence the structural types. */
interface MacrotaskHost {
  readonly setImmediate?: (callback: () => void) => unknown;
  readonly MessageChannel?: new () => {
    port1: { onmessage: (() => void) | null; close(): void };
    port2: { postMessage(message: unknown): void; close(): void };
  };
  setTimeout(callback: () => void, ms: number): unknown;
}

const host = globalThis as unknown as MacrotaskHost;

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => {
    if (host.setImmediate !== undefined) {
      host.setImmediate(resolve);
    } else if (host.MessageChannel !== undefined) {
      const channel = new host.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        channel.port2.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    } else {
      host.setTimeout(resolve, 0);
    }
  });
}

function nowMs(): number {
  return tf.util.now();
}
