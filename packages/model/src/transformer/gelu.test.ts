import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { GELU_CUBIC, gelu } from "./gelu";

/** GPT-2's GELU as tfjs's own ops, differentiated by tfjs. */
const reference = (x: tf.Tensor): tf.Tensor =>
  tf.mul(
    tf.mul(x, 0.5),
    tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), GELU_CUBIC)), Math.sqrt(2 / Math.PI)))),
  );

/** The same forward ops as gelu, left to tfjs's autodiff (what the model ran before gelu had its own gradient). */
const plain = (t: tf.Tensor): tf.Tensor =>
  tf.mul(t, tf.sigmoid(tf.mul(tf.add(t, tf.mul(tf.mul(tf.mul(t, t), t), GELU_CUBIC)), 2 * Math.sqrt(2 / Math.PI))));

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("gelu", () => {
  const x = tf.linspace(-6, 6, 241);

  it("is GPT-2's tanh GELU, computed exactly as autodiff's plain ops compute it", () => {
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(gelu(x), reference(x)))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-6);
    expect(tf.tidy(() => gelu(x).arraySync())).toEqual(tf.tidy(() => plain(x).arraySync()));
  });

  it("has the gradient autodiff gives the reference, times the upstream gradient", () => {
    const dy = tf.tidy(() => tf.add(tf.sin(x), 1.5));
    const [mine, theirs] = tf.tidy(() => [
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gelu(t), dy)))(x),
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reference(t), dy)))(x),
    ]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(mine, theirs))).dataSync()[0]);
    expect(diff).toBeLessThan(1e-5);
    tf.dispose([dy, mine, theirs]);
  });

  it("keeps only its saved input and its gradient through the rest of the backward pass", () => {
    // An identity before the op under test: its gradient runs after the op's, and sees what the op left alive.
    let liveAfter = 0;
    const probe = tf.customGrad<tf.Tensor>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [t] = inputs as [tf.Tensor];
      return {
        value: tf.clone(t),
        gradFunc: (dy: tf.Tensor) => {
          liveAfter = tf.memory().numTensors;
          return tf.clone(dy);
        },
      };
    });
    const live = (op: (t: tf.Tensor) => tf.Tensor): number => {
      const before = tf.memory().numTensors;
      tf.grad((t: tf.Tensor) => tf.sum(op(probe(t))))(x).dispose();
      expect(tf.memory().numTensors).toBe(before);
      return liveAfter - before;
    };
    const mine = live(gelu);
    // Autodiff of the same ops keeps every op's saved inputs and every partial gradient.
    const autodiff = live(plain);
    expect(mine).toBeLessThan(autodiff / 2);
  });
});
