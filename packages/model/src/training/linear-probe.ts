// Linear probing before fine-tuning (LP-FT): fit the classifier head on the frozen model's features first, then let
// LoRA fine-tune from that head. A head that starts near 0 sends LoRA almost no gradient and random directions for
// its first hundreds of steps; a fitted head sends useful ones from step 1. The features are computed once (one
// forward pass over the shard), so the fit itself is full-batch and takes seconds.
import * as tf from "@tensorflow/tfjs-core";
import { classifierFeatures } from "../transformer/classifier-features";
import type { ForwardOptions, GptModel } from "../transformer/gpt";
import { adamStep, createAdamState, disposeAdamState } from "./adam";
import { batchOf } from "./batches";
import { rowsPerForwardPass } from "./evaluate";
import { classifierLoss } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export interface LinearProbeOptions {
  readonly classes: number;
  /** Full-batch Adam steps. */
  readonly iterations: number;
  readonly learningRate: number;
  /** L2 penalty on the weight (not the bias). */
  readonly l2: number;
  /** Rows per forward pass while computing features (default: `rowsPerForwardPass`). */
  readonly batchSize?: number;
  /** The adapter binding to read features through (none: the base model). */
  readonly forward?: ForwardOptions;
  readonly onProgress?: (done: number, total: number) => void;
  /** A slow device stops reading features once this time has passed (at least one batch is read) and fits on
   * the rows it has; the fit itself stops early too. Needs `now`. */
  readonly deadlineAt?: number;
  readonly now?: () => number;
  /** Set when the work is no longer wanted (the round closed): stops at the next batch or iteration. */
  readonly signal?: { readonly aborted: boolean };
}

export interface FittedHead {
  /** [featureWidth, classes] then [classes], the layout of the classifier's dense tensors. */
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  /** Training accuracy of the fitted head. */
  readonly accuracy: number;
  /** Rows whose features the fit used (fewer than the shard's when the deadline cut the feature pass short). */
  readonly rows: number;
}

export async function fitLinearHead(
  model: GptModel,
  data: TrainingExamples,
  options: LinearProbeOptions,
): Promise<FittedHead> {
  const count = exampleCount(data);
  if (count === 0 || data.labels === undefined) throw new Error("a linear probe needs labelled examples");
  const batchSize = options.batchSize ?? rowsPerForwardPass(model.config.nCtx, data.seqLen);
  const parts: tf.Tensor2D[] = [];
  const steps = count + options.iterations;
  const outOfTime = (): boolean =>
    options.signal?.aborted === true ||
    (options.deadlineAt !== undefined && options.now !== undefined && options.now() >= options.deadlineAt);
  for (let start = 0; start < count && (parts.length === 0 || !outOfTime()); start += batchSize) {
    const batch = batchOf(
      data,
      Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i),
      false,
    );
    const part = tf.tidy(() => classifierFeatures(model, batch.tokens, batch.lengths, options.forward ?? {}));
    tf.dispose([batch.tokens, batch.lengths]);
    parts.push(part);
    // Waiting for the batch makes the deadline mean something on an asynchronous backend (webgpu), which would
    // otherwise queue every batch at once and only then be slow.
    await part.data();
    options.onProgress?.(Math.min(start + batchSize, count), steps);
  }
  const features = tf.concat(parts);
  tf.dispose(parts);
  const labels = tf.tensor1d(data.labels.slice(0, features.shape[0]), "int32");
  // Created inside tidy: tf.variable keeps its initial tensor alive otherwise.
  const params = new Map<string, tf.Variable>([
    ["weight", tf.tidy(() => tf.variable(tf.zeros([features.shape[1], options.classes]), true))],
    ["bias", tf.tidy(() => tf.variable(tf.zeros([options.classes]), true))],
  ]);
  const [weight, bias] = [...params.values()] as [tf.Variable, tf.Variable];
  const adam = createAdamState(params);
  const logits = (): tf.Tensor2D => tf.add(tf.matMul(features, weight), bias);
  try {
    for (let i = 1; i <= options.iterations; i += 1) {
      const { grads, value } = tf.variableGrads(() => {
        const nll = classifierLoss(logits(), labels, options.classes);
        return tf.add<tf.Scalar>(nll, tf.mul(tf.sum(tf.square(weight)), options.l2));
      }, [weight, bias]);
      const named: Record<string, tf.Tensor> = {};
      for (const [name, variable] of params) {
        const grad = grads[variable.name];
        if (grad !== undefined) named[name] = grad;
      }
      adamStep(params, named, adam, options.learningRate);
      tf.dispose([value, ...Object.values(grads)]);
      if (i % 50 === 0) {
        options.onProgress?.(count + i, steps);
        await bias.data(); // the queued iterations are done, and the thread yields
        if (outOfTime()) break;
      }
    }
    const correct = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits(), 1), labels), "float32")));
    const accuracy = (await correct.data())[0] ?? 0;
    correct.dispose();
    return {
      weight: Float32Array.from(await weight.data()),
      bias: Float32Array.from(await bias.data()),
      accuracy,
      rows: features.shape[0],
    };
  } finally {
    disposeAdamState(adam);
    tf.dispose([features, labels, weight, bias]);
  }
}
