// batched-matmul.wat behind a typed-array function: the operands are copied into the module's memory (grown as they
// need), multiplied there and the product copied out. Undefined where WebAssembly or its SIMD is missing; callers
// then keep their own product (tfjs's matMul in packages/model).
import { instantiateKernels } from "./instantiate-kernels";
import { BATCHED_MATMUL_WASM_HEX } from "./batched-matmul-wasm";

/** out[s] = a[s] x b[s] for s < batch, with a [batch, m, k], b [batch, k, n] and out [batch, m, n] row-major. Each
 * value sums a[i, p] * b[p, j] over p in order in float32 (as batchedMatMulScalar). Undefined when the operands would
 * pass MAX_BYTES. */
export type BatchedMatMul = (
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
) => Float32Array | undefined;

/** The most memory the module grows to (a, b and the product together). */
export const MAX_BYTES = 256 * 1024 * 1024;

const PAGE = 65536;

interface MatMulExports {
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  batchedMatMul(a: number, b: number, out: number, batch: number, m: number, k: number, n: number): void;
}

let cached: BatchedMatMul | null | undefined;

/** The SIMD product, made once per thread; undefined where it cannot run. */
export function simdBatchedMatMul(): BatchedMatMul | undefined {
  if (cached === undefined) {
    const exports = instantiateKernels(BATCHED_MATMUL_WASM_HEX) as MatMulExports | undefined;
    cached = exports === undefined ? null : wrap(exports);
  }
  return cached ?? undefined;
}

/** The reference: the kernel's exact arithmetic in TypeScript (tests compare the two bit for bit). */
export function batchedMatMulScalar(
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
): Float32Array {
  const out = new Float32Array(batch * m * n);
  for (let s = 0; s < batch; s += 1) {
    for (let i = 0; i < m; i += 1) {
      for (let j = 0; j < n; j += 1) {
        let sum = 0;
        for (let p = 0; p < k; p += 1) {
          sum = Math.fround(sum + Math.fround((a[(s * m + i) * k + p] ?? 0) * (b[(s * k + p) * n + j] ?? 0)));
        }
        out[(s * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

function wrap(k: MatMulExports): BatchedMatMul {
  return (a, b, batch, m, inner, n) => {
    const [aLength, bLength, outLength] = [batch * m * inner, batch * inner * n, batch * m * n];
    if (a.length !== aLength || b.length !== bLength) {
      throw new RangeError(
        `batchedMatMul: ${String(a.length)} and ${String(b.length)} values for [${String(batch)}, ${String(m)}, ${String(inner)}] x [${String(batch)}, ${String(inner)}, ${String(n)}]`,
      );
    }
    const bytes = 4 * (aLength + bLength + outLength);
    if (bytes > MAX_BYTES) return undefined;
    const have = k.memory.buffer.byteLength;
    if (bytes > have) k.memory.grow(Math.ceil((bytes - have) / PAGE));
    // Views made per call: growing the memory detaches the old ones.
    const f32 = new Float32Array(k.memory.buffer);
    f32.set(a, 0);
    f32.set(b, aLength);
    const outAt = aLength + bLength;
    k.batchedMatMul(0, 4 * aLength, 4 * outAt, batch, m, inner, n);
    return f32.slice(outAt, outAt + outLength);
  };
}
