import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { meanCrossEntropy } from "./lm-loss";

/** The textbook formula through tfjs's own autodiff: what meanCrossEntropy must equal. */
const plainCrossEntropy = (logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar =>
  tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, logits.shape[1])), 1)));

function situation(rows: number, vocab: number, spread: number, seed: number) {
  const logits = tf.mul<tf.Tensor2D>(tf.randomNormal([rows, vocab], 0, 1, "float32", seed), spread);
  // randomUniform's int32 draws lie in [0, vocab).
  const targets = tf.randomUniform<tf.Rank.R1>([rows], 0, vocab, "int32", seed + 1);
  return { logits, targets };
}

function maxRelative(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array) {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i += 1) {
    worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return worst / scale;
}

describe("meanCrossEntropy", () => {
  for (const backend of ["cpu", "wasm"]) {
    it(`equals the logSoftmax formula in value and gradient on ${backend}, large logits and an upstream factor included`, async () => {
      await tf.setBackend(backend);
      for (const [rows, vocab, spread] of [
        [6, 11, 1],
        [64, 2048, 4],
        [5, 300, 60],
      ] as const) {
        tf.tidy(() => {
          const { logits, targets } = situation(rows, vocab, spread, rows + vocab);
          // 3 x loss: the gradient must carry dy, not assume it is 1. The targets are made inside the differentiated
          // function, as in training, where the forward pass's own tensors are disposed before the backward runs.
          const ours = tf.valueAndGrad((x: tf.Tensor) =>
            tf.mul(meanCrossEntropy(x as tf.Tensor2D, tf.add(targets, tf.scalar(0, "int32"))), 3),
          );
          const plain = tf.valueAndGrad((x: tf.Tensor) => tf.mul(plainCrossEntropy(x as tf.Tensor2D, targets), 3));
          const a = ours(logits);
          const b = plain(logits);
          const [va, vb] = [a.value.dataSync()[0] ?? Number.NaN, b.value.dataSync()[0] ?? Number.NaN];
          expect(Number.isFinite(va)).toBe(true);
          expect(Math.abs(va - vb) / Math.abs(vb)).toBeLessThan(1e-5);
          expect(maxRelative(a.grad.dataSync(), b.grad.dataSync())).toBeLessThan(1e-5);
        });
      }
    });
  }

  it("is the negative log of the target's softmax probability, row by row", async () => {
    await tf.setBackend("cpu");
    const logits = tf.tensor2d([
      [0, Math.log(3)],
      [Math.log(4), 0],
    ]);
    const targets = tf.tensor1d([1, 1], "int32");
    // Row 1: p(target) = 3/4; row 2: 1/5.
    const expected = -(Math.log(3 / 4) + Math.log(1 / 5)) / 2;
    expect(meanCrossEntropy(logits, targets).dataSync()[0]).toBeCloseTo(expected, 6);
  });

  it("leaves no tensors behind after a gradient", async () => {
    await tf.setBackend("cpu");
    const { logits, targets } = situation(8, 50, 1, 3);
    const before = tf.memory().numTensors;
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => meanCrossEntropy(x as tf.Tensor2D, targets))(logits);
    value.dispose();
    grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
