import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { registerMatMulGradient } from "./matmul-gradient";

beforeAll(async () => {
  await tf.setBackend("cpu");
  registerMatMulGradient();
});

/** Row-major values of a [batch, rows, cols] array with entries from a simple deterministic sequence. */
function values(count: number, seed: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.sin(seed * 7.31 + i * 1.7) * 2);
}

/** A plain-loop C = op(A) op(B) per batch entry, op transposing where asked: the reference. */
function referenceProduct(
  a: number[],
  b: number[],
  [batch, m, k, n]: [number, number, number, number],
  transposeA: boolean,
  transposeB: boolean,
): number[] {
  const out: number[] = [];
  for (let s = 0; s < batch; s += 1) {
    for (let i = 0; i < m; i += 1) {
      for (let j = 0; j < n; j += 1) {
        let sum = 0;
        for (let p = 0; p < k; p += 1) {
          const av = transposeA ? a[s * k * m + p * m + i] : a[s * m * k + i * k + p];
          const bv = transposeB ? b[s * n * k + j * k + p] : b[s * k * n + p * n + j];
          sum += (av ?? Number.NaN) * (bv ?? Number.NaN);
        }
        out.push(sum);
      }
    }
  }
  return out;
}

const flagCases = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
] as const;

describe("the registered matMul gradient", () => {
  it.each(flagCases)("matches the loop reference's gradients (transposeA %s, transposeB %s)", (tA, tB) => {
    // loss = sum(op(A) op(B) * R) is linear in each of A and B, so a central difference of the loop reference
    // is its exact gradient.
    const [batch, m, k, n] = [2, 3, 4, 5] as [number, number, number, number];
    const aShape = tA ? [batch, k, m] : [batch, m, k];
    const bShape = tB ? [batch, n, k] : [batch, k, n];
    const a = values(batch * m * k, 1);
    const b = values(batch * k * n, 2);
    const r = values(batch * m * n, 3);
    const loss = (av: number[], bv: number[]): number =>
      referenceProduct(av, bv, [batch, m, k, n], tA, tB).reduce((sum, c, i) => sum + c * (r[i] ?? Number.NaN), 0);
    const expectedGrad = (x: number[], vary: (copy: number[]) => number): number[] =>
      x.map((_, i) => {
        const up = [...x];
        up[i] = (up[i] ?? 0) + 1;
        const down = [...x];
        down[i] = (down[i] ?? 0) - 1;
        return (vary(up) - vary(down)) / 2; // exact: the loss is linear in each argument
      });
    const [da, db] = tf.tidy(() => {
      const rt = tf.tensor3d(r, [batch, m, n]);
      const grads = tf.grads((at: tf.Tensor, bt: tf.Tensor) => tf.sum(tf.mul(tf.matMul(at, bt, tA, tB), rt)));
      return grads([tf.tensor(a, aShape), tf.tensor(b, bShape)]).map((g) => Array.from(g.dataSync()));
    });
    const wantA = expectedGrad(a, (x) => loss(x, b));
    const wantB = expectedGrad(b, (x) => loss(a, x));
    da?.forEach((v, i) => {
      expect(v).toBeCloseTo(wantA[i] ?? Number.NaN, 4);
    });
    db?.forEach((v, i) => {
      expect(v).toBeCloseTo(wantB[i] ?? Number.NaN, 4);
    });
    expect(da).toHaveLength(a.length);
    expect(db).toHaveLength(b.length);
  });

  it("gives only the gradient asked for when one input is a constant", () => {
    const w = tf.tensor2d(values(12, 4), [3, 4]);
    const x = tf.variable(tf.tensor2d(values(6, 5), [2, 3]));
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.matMul(x, w)), [x]);
    expect(Object.keys(grads)).toEqual([x.name]);
    // d/dx sum(x W) = 1 W^T: every row is W's row sums.
    const rowSums = [0, 1, 2].map((i) =>
      values(12, 4)
        .slice(i * 4, i * 4 + 4)
        .reduce((s, v) => s + v, 0),
    );
    Array.from(grads[x.name]?.dataSync() ?? []).forEach((v, i) => {
      expect(v).toBeCloseTo(rowSums[i % 3] ?? 0, 5);
    });
    tf.dispose([w, x, value, ...Object.values(grads)]);
  });
});
