// Next-token cross-entropy through the tied embedding (nats per token).
import * as tf from "@tensorflow/tfjs-core";
import { type ForwardOptions, type GptModel, hiddenStates, lmLogits } from "../transformer/gpt";

/** windows: [B, T + 1] int32 token ids; predicts tokens 1..T from 0..T-1. */
export function lmLoss(model: GptModel, windows: tf.Tensor2D, options: ForwardOptions = {}): tf.Scalar {
  const [batch, span] = windows.shape;
  const time = span - 1;
  const inputs = tf.slice(windows, [0, 0], [batch, time]);
  const targets = tf.reshape(tf.slice(windows, [0, 1], [batch, time]), [batch * time]);
  const logits = lmLogits(model, hiddenStates(model, inputs, options));
  const logProbs = tf.logSoftmax(logits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(targets, model.config.vocabSize)), 1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}
