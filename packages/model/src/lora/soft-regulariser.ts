// SOFT's orthogonality regulariser in tfjs (docs/algorithms.md section 2), for the training loss:
// R(A, B) = ||offdiag(Â Â^T)||_F^2 + ||offdiag(B̂^T B̂)||_F^2, Â = A with unit rows, B̂ = B with unit columns.
// The reference in @airlora/core (softRegulariser) defines the same value; a test holds the two together.
import * as tf from "@tensorflow/tfjs-core";
import { SOFT_EPS } from "@airlora/core";

/** Guards the normalisation so that B = 0 (the LoRA init) gives R = 0 with finite gradients (core's constant). */
export const SOFT_EPSILON = SOFT_EPS;

/** a: [r, k], b: [d, r]. */
export function softRegulariserTf(a: tf.Tensor, b: tf.Tensor, eps: number = SOFT_EPSILON): tf.Scalar {
  return tf.tidy(() => tf.add(offDiagonalEnergy(unitRows(a, eps)), offDiagonalEnergy(unitRows(tf.transpose(b), eps))));
}

function unitRows(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), eps)));
}

/** ||offdiag(U U^T)||_F^2 = ||U U^T||_F^2 - sum_i (u_i . u_i)^2. */
function offDiagonalEnergy(u: tf.Tensor): tf.Scalar {
  // Not matMul's transposeB: tfjs-webgpu gets a small output over a long inner size wrong that way (see gpt.ts).
  const gram = tf.matMul(u, tf.transpose(u));
  const diagonal = tf.sum(tf.square(u), 1);
  return tf.sub<tf.Scalar>(tf.sum(tf.square(gram)), tf.sum(tf.square(diagonal)));
}
