import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { batchedMatMulScalar } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { batchedMatMul } from "./batched-matmul";

describe("batchedMatMul", () => {
  for (const backend of ["cpu", "wasm"]) {
    it(`is the SIMD kernel's product, with matMul's gradient, on ${backend}`, async () => {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        // Attention-like: 6 = batch x heads, 20 queries, 7 = head size (off the kernel's 16-column blocks).
        const a = tf.randomNormal<tf.Rank.R3>([6, 20, 7], 0, 1, "float32", 1);
        const b = tf.randomNormal<tf.Rank.R3>([6, 7, 20], 0, 1, "float32", 2);
        const upstream = tf.randomNormal([6, 20, 20], 0, 1, "float32", 3);
        const got = batchedMatMul(a, b);
        expect(got.shape).toEqual([6, 20, 20]);
        expect(got.dataSync()).toEqual(
          batchedMatMulScalar(a.dataSync() as Float32Array, b.dataSync() as Float32Array, 6, 20, 7, 20),
        );
        // The differentiated function makes its own operands, as the forward pass does.
        const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
          tf.sum(tf.mul(batchedMatMul(tf.mul<tf.Tensor3D>(x, 1), tf.mul<tf.Tensor3D>(y, 1)), upstream)),
        )([a, b]);
        const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), upstream)))([a, b]);
        ours.forEach((g, i) => {
          const [x, y] = [g.dataSync(), theirs[i]?.dataSync() ?? new Float32Array()];
          expect(x.length).toBe(y.length);
          expect(x.some((v) => v !== 0)).toBe(true);
          for (let j = 0; j < y.length; j += 1) expect(x[j]).toBeCloseTo(y[j] ?? Number.NaN, 4);
        });
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("refuses operands that do not fit", async () => {
    await tf.setBackend("cpu");
    tf.tidy(() => {
      expect(() => batchedMatMul(tf.zeros([2, 3, 4]), tf.zeros([2, 5, 3]))).toThrow(/do not fit/);
    });
  });
});
