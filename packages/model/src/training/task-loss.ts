// The task losses a participant trains: classification through the dense head, or next-token LM.
import * as tf from "@tensorflow/tfjs-core";
import type { TaskHead } from "../lora/lora-targets";
import { classifierFeatures } from "../transformer/classifier-features";
import type { ForwardOptions, GptModel } from "../transformer/gpt";
import { lmLoss } from "./lm-loss";

export interface Batch {
  /** [B, seqLen] int32 */
  readonly tokens: tf.Tensor2D;
  /** [B] int32, real lengths */
  readonly lengths: tf.Tensor1D;
  /** [B] int32 classes (classification only) */
  readonly labels?: tf.Tensor1D;
}

export function classifierLogits(
  model: GptModel,
  batch: Batch,
  head: readonly tf.Tensor[],
  options: ForwardOptions,
): tf.Tensor2D {
  const [weight, bias] = head;
  if (weight === undefined || bias === undefined) throw new Error("a classifier needs head.weight and head.bias");
  return tf.add(tf.matMul(classifierFeatures(model, batch.tokens, batch.lengths, options), weight), bias);
}

/** Mean loss of the batch in nats (per example for classification, per token for LM). */
export function taskLoss(
  model: GptModel,
  task: TaskHead,
  batch: Batch,
  head: readonly tf.Tensor[],
  options: ForwardOptions,
): tf.Scalar {
  if (task.kind === "lm") return lmLoss(model, batch.tokens, options);
  if (batch.labels === undefined) throw new Error("classification batch without labels");
  return classifierLoss(classifierLogits(model, batch, head, options), batch.labels, task.classes);
}

/** Mean cross-entropy in nats of logits [B, classes] against labels [B]. */
export function classifierLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, classes: number): tf.Scalar {
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes)), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}
