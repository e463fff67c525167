import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { adamStep, createAdamState, disposeAdamState } from "./adam";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** AdamW written out for one value (Loshchilov & Hutter's decoupled decay, bias-corrected moments). */
function reference(p: number, grads: readonly number[], lr: number, decay: number): number {
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  let [m, v, x] = [0, 0, p];
  grads.forEach((g, i) => {
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const step = m / (1 - b1 ** (i + 1)) / (Math.sqrt(v / (1 - b2 ** (i + 1))) + eps);
    x -= lr * (step + decay * x);
  });
  return x;
}

describe("adamStep", () => {
  it("follows AdamW step by step, with decay only where asked and parameters without a gradient left alone", () => {
    const params = new Map([
      ["w", tf.variable(tf.tensor1d([1, -2]))],
      ["bias", tf.variable(tf.tensor1d([0.5]))],
      ["frozen", tf.variable(tf.tensor1d([3]))],
    ]);
    const state = createAdamState(params);
    const gradients = [
      [0.5, -1, 2],
      [0.25, 3, -1],
      [-0.75, 0.5, 0.5],
    ];
    for (const [gw0, gw1, gb] of gradients) {
      tf.tidy(() => {
        adamStep(
          params,
          { w: tf.tensor1d([gw0 ?? 0, gw1 ?? 0]), bias: tf.tensor1d([gb ?? 0]) },
          state,
          0.1,
          { weightDecay: 0.01 },
          (name) => name !== "bias",
        );
      });
    }
    expect(state.step).toBe(3);
    const got = (name: string) => [...(params.get(name)?.dataSync() ?? [])];
    const column = (i: number) => gradients.map((g) => g[i] ?? 0);
    const [w0, w1] = got("w");
    expect(w0).toBeCloseTo(reference(1, column(0), 0.1, 0.01), 5);
    expect(w1).toBeCloseTo(reference(-2, column(1), 0.1, 0.01), 5);
    expect(got("bias")[0]).toBeCloseTo(reference(0.5, column(2), 0.1, 0), 5);
    expect(got("frozen")).toEqual([3]);
    disposeAdamState(state);
    tf.dispose([...params.values()]);
  });
});
