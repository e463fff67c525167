// Next-token cross-entropy through the tied embedding (nats per token).
import * as tf from "@tensorflow/tfjs-core";
import { type ForwardOptions, type GptModel, hiddenStates, lmLogits } from "../transformer/gpt";

/** windows: [B, T + 1] int32 token ids; predicts tokens 1..T from 0..T-1. */
export function lmLoss(model: GptModel, windows: tf.Tensor2D, options: ForwardOptions = {}): tf.Scalar {
  const [batch, span] = windows.shape;
  const time = span - 1;
  const inputs = tf.slice(windows, [0, 0], [batch, time]);
  const targets = tf.reshape<tf.Rank.R1>(tf.slice(windows, [0, 1], [batch, time]), [batch * time]);
  return meanCrossEntropy(lmLogits(model, hiddenStates(model, inputs, options)), targets);
}

/**
 * Mean cross-entropy of logits [N, V] against int32 targets [N], with its gradient written out:
 * d/dlogits = (softmax - onehot) dy / N.
 *
 * Why: with a 2,048-token vocabulary the [N, V] tensors are the largest of a nano step, and tfjs's
 * `logSoftmax` + one-hot product passed over them about 13 times (Exp twice: once forward, once again in
 * logSoftmax's gradient) against 8 here; the forward keeps exp(logits - max) for the backward pass instead.
 */
export function meanCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const loss = tf.customGrad<tf.Scalar>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = inputs;
    if (x === undefined || typeof x === "function" || typeof save !== "function") {
      throw new Error("meanCrossEntropy: bad arguments");
    }
    const shifted = tf.sub(x, tf.max(x, 1, true));
    const exps = tf.exp(shifted);
    const sums = tf.sum(exps, 1, true); // [N, 1]
    // Each row's target logit, gathered from the flat tensor instead of a full one-hot product.
    const flatTargets = tf.add(tf.mul(tf.range(0, rows, 1, "int32"), tf.scalar(vocab, "int32")), targets);
    const picked = tf.gather(tf.reshape(shifted, [rows * vocab]), flatTargets);
    // Saved, not closed over: tensors made inside a gradient's forward pass are gone by the time it runs.
    save([exps, sums, targets]);
    return {
      value: tf.mean(tf.sub(tf.log(tf.reshape(sums, [rows])), picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedExps, savedSums, savedTargets] = saved;
          if (savedExps === undefined || savedSums === undefined || savedTargets === undefined) {
            throw new Error("meanCrossEntropy: nothing saved");
          }
          const softmax = tf.div(savedExps, savedSums);
          return tf.mul(tf.sub(softmax, tf.oneHot(savedTargets as tf.Tensor1D, vocab)), tf.div(dy, rows));
        }),
    };
  });
  return loss(logits);
}
