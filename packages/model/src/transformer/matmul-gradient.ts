// tfjs's own matMul gradient (BatchMatMul_grad) passes matMul's transposeA / transposeB flags, and the wasm backend
// runs those flags about ten times slower than a plain product of an explicitly transposed input: on this machine
// (Node wasm, SIMD) dY [2048, 128] x W^T for W [512, 128] takes 126 ms with transposeB and 12 ms as
// dY x transpose(W); with transposeA it is 15 ms against 8 ms. Those flagged products are the input gradients of
// every frozen linear layer, so they were most of a LoRA step. The same gradient with explicit transposes is what
// we register instead; it also keeps tfjs-webgpu 4.22's wrong transposeB results (see gpt.ts, withLora) out of
// training. The maths is unchanged: only how the products are spelled.
import * as tf from "@tensorflow/tfjs-core";

/** `x` with its last two axes swapped (a matrix transpose per batch entry). */
export function transposeLastTwo(x: tf.Tensor): tf.Tensor {
  const rank = x.rank;
  if (rank < 2) throw new Error(`transposeLastTwo needs rank >= 2, got ${String(rank)}`);
  const perm = Array.from({ length: rank }, (_, axis) => axis);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return tf.transpose(x, perm);
}

/** matMul(a, b, transposeA, transposeB) computed with explicit transposes rather than matMul's flags. */
export function matMulExplicit(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  return tf.matMul(transposeA ? transposeLastTwo(a) : a, transposeB ? transposeLastTwo(b) : b);
}

interface MatMulFlags {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/** For C = op(a) op(b), the gradients of a and b given dC: tfjs's four cases, each product spelled explicitly. */
export function matMulGradients(
  dy: tf.Tensor,
  a: tf.Tensor,
  b: tf.Tensor,
  { transposeA, transposeB }: MatMulFlags,
): { a: () => tf.Tensor; b: () => tf.Tensor } {
  if (!transposeA && !transposeB) {
    return { a: () => matMulExplicit(dy, b, false, true), b: () => matMulExplicit(a, dy, true, false) };
  }
  if (!transposeA) return { a: () => matMulExplicit(dy, b), b: () => matMulExplicit(dy, a, true, false) };
  if (!transposeB) return { a: () => matMulExplicit(b, dy, false, true), b: () => matMulExplicit(a, dy) };
  return { a: () => matMulExplicit(b, dy, true, true), b: () => matMulExplicit(dy, a, true, true) };
}

/**
 * Registers `matMulGradients` as the gradient of tfjs's BatchMatMul kernel. The registry is global and the last
 * registration wins, and tfjs registers its own when its gradient bundle loads, so this runs after every import:
 * when a model is created (createGpt) and when pretraining starts; calling it again is harmless.
 */
export function registerMatMulGradient(): void {
  tf.registerGradient({
    kernelName: tf.BatchMatMul,
    inputsToSave: ["a", "b"],
    gradFunc: (dy, saved, attrs) => {
      const [a, b] = saved;
      if (a === undefined || b === undefined || Array.isArray(dy)) throw new Error("BatchMatMul gradient: bad inputs");
      const flags = attrs as unknown as MatMulFlags;
      return matMulGradients(dy, a, b, { transposeA: flags.transposeA, transposeB: flags.transposeB });
    },
  });
}
