import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { createRng, softRegulariser } from "@airlora/core";
import { beforeAll, describe, expect, it } from "vitest";
import { softRegulariserSumTf, softRegulariserTf } from "./soft-regulariser";

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

  for (const backend of ["cpu", "wasm"]) {
    it(`sums R over modules of mixed shapes and ranks as core does module by module, value and gradient, on ${backend}`, async () => {
      await tf.setBackend(backend);
      const rng = createRng(9);
      // [d, k, r]: widths shared between A's (k) and B's (d), one width alone, two ranks, a B at its zero init.
      const shapes = [
        [6, 5, 3],
        [5, 6, 2],
        [6, 6, 3],
        [4, 9, 2],
        [6, 5, 3],
      ] as const;
      const modules = shapes.map(([d, k, r], i) => ({
        d,
        k,
        r,
        a: Float32Array.from({ length: r * k }, () => rng.normal()),
        b: Float32Array.from({ length: d * r }, () => (i === 4 ? 0 : rng.normal())),
      }));
      const references = modules.map(({ a, b, d, k, r }) => softRegulariser(a, b, d, k, r));
      const [value, grads] = tf.tidy(() => {
        const inputs = modules.flatMap(({ a, b, d, k, r }) => [tf.tensor2d(a, [r, k]), tf.tensor2d(b, [d, r])]);
        const sum = (...xs: tf.Tensor[]) =>
          softRegulariserSumTf(modules.map((_, i) => ({ a: xs[2 * i] as tf.Tensor, b: xs[2 * i + 1] as tf.Tensor })));
        const { value: v, grads: g } = tf.valueAndGrads(sum)(inputs);
        return [v.dataSync()[0] ?? Number.NaN, g.map((t) => t.dataSync())] as const;
      });
      expect(value).toBeCloseTo(
        references.reduce((s, r) => s + r.value, 0),
        4,
      );
      references.forEach((reference, i) => {
        for (const [got, want] of [
          [grads[2 * i], reference.gradA],
          [grads[2 * i + 1], reference.gradB],
        ] as const) {
          expect(got?.length).toBe(want.length);
          for (let j = 0; j < want.length; j += 1) expect(got?.[j]).toBeCloseTo(want[j] ?? Number.NaN, 3);
        }
      });
    });
  }

  it("is 0 for no modules", () => {
    expect(tf.tidy(() => softRegulariserSumTf([]).dataSync()[0])).toBe(0);
  });
});
