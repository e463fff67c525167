import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { lookUpRows } from "./row-lookup";

describe("lookUpRows", () => {
  for (const backend of ["cpu", "wasm"]) {
    it(`picks rows and has the one-hot product's gradient, repeated ids summed, on ${backend}`, async () => {
      await tf.setBackend(backend);
      tf.tidy(() => {
        const [vocab, width] = [50, 6];
        const table = tf.randomNormal<tf.Rank.R2>([vocab, width], 0, 1, "float32", 1);
        // Id 7 three times and 0 twice (padding repeats in real batches); most ids never.
        const idList = [7, 3, 7, 0, 49, 7, 0, 12];
        const ids = tf.tensor1d(idList, "int32");
        const upstream = tf.randomNormal([idList.length, width], 0, 1, "float32", 2);
        // The differentiated functions make their own ids, as training does inside its forward pass.
        const ours = tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(lookUpRows(t as tf.Tensor2D, tf.add(ids, tf.scalar(0, "int32"))), upstream)),
        );
        const viaOneHot = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.matMul(tf.oneHot(ids, vocab), t), upstream)));
        const picked = lookUpRows(table, ids).arraySync();
        const rows = table.arraySync();
        idList.forEach((id, i) => {
          expect(picked[i]).toEqual(rows[id]);
        });
        const [a, b] = [ours(table).dataSync(), viaOneHot(table).dataSync()];
        expect(a.some((x) => x !== 0)).toBe(true);
        for (let i = 0; i < a.length; i += 1) expect(a[i]).toBeCloseTo(b[i] ?? Number.NaN, 5);
      });
    });
  }
});
