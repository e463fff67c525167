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
 * Why: with a 2,048-token vocabulary the [N, V] tensors are the largest of a nano step. tfjs's `logSoftmax` times a
 * one-hot passed over them about 13 times, `exp` twice; here the backend's own softmax kernel (one native pass on
 * wasm, ~2 ns a value against ~8 for a lone Exp and ~10 for the broadcast subtraction of the max) gives the
 * probabilities the backward pass needs, and the log-normaliser comes from the row's largest probability,
 * lse = max(x) - log(max(p)), exact to rounding since max(p) >= 1 / V never underflows.
 */
export function meanCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [rows, vocab] = logits.shape;
  const loss = tf.customGrad<tf.Scalar>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = inputs;
    if (x === undefined || typeof x === "function" || typeof save !== "function") {
      throw new Error("meanCrossEntropy: bad arguments");
    }
    const probabilities = tf.softmax(x);
    const logNormaliser = tf.sub(tf.max(x, 1), tf.log(tf.max(probabilities, 1)));
    // Each row's target logit, gathered from the flat tensor instead of a full one-hot product.
    const flatTargets = tf.add(tf.mul(tf.range(0, rows, 1, "int32"), tf.scalar(vocab, "int32")), targets);
    const picked = tf.gather(tf.reshape(x, [rows * vocab]), flatTargets);
    // Saved, not closed over: tensors made inside a gradient's forward pass are gone by the time it runs.
    save([probabilities, targets]);
    return {
      value: tf.mean(tf.sub(logNormaliser, picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedProbabilities, savedTargets] = saved;
          if (savedProbabilities === undefined || savedTargets === undefined) {
            throw new Error("meanCrossEntropy: nothing saved");
          }
          const oneHot = tf.oneHot(savedTargets, vocab);
          return tf.mul(tf.sub(savedProbabilities, oneHot), tf.div(dy, rows));
        }),
    };
  });
  return loss(logits);
}
