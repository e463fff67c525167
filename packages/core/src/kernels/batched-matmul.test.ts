import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng";
import { MAX_BYTES, batchedMatMulScalar, simdBatchedMatMul } from "./batched-matmul";

const kernel = simdBatchedMatMul();

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe("the SIMD batched matrix product", () => {
  it("runs here (Node has WebAssembly SIMD)", () => {
    expect(kernel).toBeDefined();
  });

  // [batch, m, k, n]: attention's shapes, columns off the 16-wide blocks, a single row or column, an empty product.
  for (const [batch, m, k, n] of [
    [16, 64, 16, 64],
    [16, 64, 64, 16],
    [3, 7, 5, 33],
    [2, 1, 9, 5],
    [1, 4, 3, 1],
    [2, 3, 0, 17],
  ] as const) {
    it(`is the scalar reference bit for bit for [${String(batch)}, ${String(m)}, ${String(k)}] x [${String(batch)}, ${String(k)}, ${String(n)}]`, () => {
      const a = random(batch * m * k, 1);
      const b = random(batch * k * n, 2);
      const got = kernel?.(a, b, batch, m, k, n);
      const want = batchedMatMulScalar(a, b, batch, m, k, n);
      expect(got).toEqual(want);
      if (k > 0) expect(want.some((x) => x !== 0)).toBe(true);
    });
  }

  it("multiplies each batch entry by its own b (entries are not mixed up)", () => {
    // a[s] = I (2 x 2), b[s] = s + 1 everywhere: out[s] must be b[s].
    const a = Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1]);
    const b = Float32Array.from({ length: 12 }, (_, i) => Math.floor(i / 4) + 1);
    expect(kernel?.(a, b, 3, 2, 2, 2)).toEqual(b);
  });

  it("grows its memory for operands larger than it starts with, and still agrees", () => {
    const [batch, m, k, n] = [4, 256, 64, 256]; // ~1.5 MiB of operands and product, the module starts at 1 MiB
    const a = random(batch * m * k, 3);
    const b = random(batch * k * n, 4);
    expect(kernel?.(a, b, batch, m, k, n)).toEqual(batchedMatMulScalar(a, b, batch, m, k, n));
  });

  it("declines operands beyond MAX_BYTES and refuses arrays of the wrong length", () => {
    const n = Math.ceil(Math.sqrt(MAX_BYTES / 12)) + 1;
    expect(kernel?.(new Float32Array(n * n), new Float32Array(n * n), 1, n, n, n)).toBeUndefined();
    expect(() => kernel?.(new Float32Array(5), new Float32Array(6), 1, 2, 3, 2)).toThrow(RangeError);
  });
});
