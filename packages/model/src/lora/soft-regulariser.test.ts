import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { createRng, softRegulariser } from "@airlora/core";
import { beforeAll, describe, expect, it } from "vitest";
import { softRegulariserTf } from "./soft-regulariser";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("SOFT regulariser in tfjs", () => {
  it("matches the core reference in value and gradient (the trainer optimises the same R)", () => {
    const rng = createRng(5);
    for (const [d, k, r] of [
      [6, 5, 3],
      [8, 8, 4],
      [4, 9, 2],
    ] as const) {
      const a = Float32Array.from({ length: r * k }, () => rng.normal());
      const b = Float32Array.from({ length: d * r }, () => rng.normal());
      const reference = softRegulariser(a, b, d, k, r);
      const [value, gradA, gradB] = tf.tidy(() => {
        const av = tf.tensor2d(a, [r, k]);
        const bv = tf.tensor2d(b, [d, r]);
        const { value: v, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => softRegulariserTf(x, y))([av, bv]);
        return [v.dataSync()[0] ?? Number.NaN, grads[0]?.dataSync() ?? [], grads[1]?.dataSync() ?? []];
      });
      expect(value).toBeCloseTo(reference.value, 4);
      const close = (got: ArrayLike<number>, want: ArrayLike<number>): void => {
        for (let i = 0; i < want.length; i += 1) expect(got[i]).toBeCloseTo(want[i] ?? Number.NaN, 3);
      };
      close(gradA, reference.gradA);
      close(gradB, reference.gradB);
    }
  });

  it("has finite gradients at B = 0 (the LoRA init)", () => {
    tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => softRegulariserTf(x, y))([
        tf.randomNormal([3, 5]),
        tf.zeros([4, 3]),
      ]);
      expect(value.dataSync()[0]).toBeGreaterThanOrEqual(0);
      for (const g of grads) expect([...g.dataSync()].every(Number.isFinite)).toBe(true);
    });
  });
});
