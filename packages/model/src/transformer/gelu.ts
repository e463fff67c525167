// GPT-2's tanh approximation of GELU, 0.5 x (1 + tanh(z)) with z = sqrt(2 / pi) (x + 0.044715 x^3), written as the
// identical x sigmoid(2 z): on wasm, Sigmoid is ~15x faster than Tanh and Pow ~10x slower than two multiplies.
//
// Its gradient is written out, dy (s + x s (1 - s) 2 z') with s = sigmoid(2 z), so that a training step keeps only
// x for it. tfjs's autodiff of the seven element-wise ops kept each op's saved inputs and every intermediate
// gradient of the [tokens, 4 nEmbd] activations alive until the step's backward pass ended: 22% of a tiny LoRA
// step's peak tensor memory (8 x 128 tokens, rank 32 on emb,q,v,o,mlp: 766 -> 598 MB; packages/model/README.md).
import * as tf from "@tensorflow/tfjs-core";

export const GELU_CUBIC = 0.044715;
const SCALE = Math.sqrt(2 / Math.PI);

/** sigmoid(2 z), z = sqrt(2 / pi) (x + 0.044715 x^3). */
function gate(x: tf.Tensor): tf.Tensor {
  const cubic = tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), GELU_CUBIC));
  return tf.sigmoid(tf.mul(cubic, 2 * SCALE));
}

export const gelu = tf.customGrad<tf.Tensor>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
  // tfjs calls this with the tensor, then the save function.
  const [x, save] = inputs;
  if (x === undefined || typeof x === "function" || typeof save !== "function") throw new Error("gelu: bad arguments");
  save([x]);
  return {
    value: tf.mul(x, gate(x)),
    // tidy: a gradient function's intermediates would otherwise live until the whole backward pass ends.
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.tidy(() => {
        const [input] = saved;
        if (input === undefined) throw new Error("gelu: nothing saved");
        const s = gate(input);
        const twoDz = tf.mul(tf.add(tf.mul(tf.mul(input, input), 3 * GELU_CUBIC), 1), 2 * SCALE);
        const ds = tf.mul(tf.mul(s, tf.sub(1, s)), twoDz);
        return tf.mul(dy, tf.add(s, tf.mul(input, ds)));
      }),
  };
});
