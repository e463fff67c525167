// SOFT's orthogonality regulariser in tfjs (docs/algorithms.md section 2), for the training loss:
// R(A, B) = ||offdiag(Â Â^T)||_F^2 + ||offdiag(B̂^T B̂)||_F^2, Â = A with unit rows, B̂ = B with unit columns.
// The reference in @airlora/core (softRegulariser) defines the same value; a test holds the two together.
//
// The trainer needs the sum over every module, and tfjs pays a fixed cost per op (about 10 us on wasm) that dwarfs
// these tiny matrices: summed module by module, R was ~2,000 kernels and a fifth of a nano step. So the rows of all
// modules that have the same width (A's rows have width k, B^T's rows width d) are stacked into one matrix, normalised
// once, and multiplied into one Gram matrix; a constant mask keeps each module's own off-diagonal block. That is a
// dozen ops per width instead of ~20 per module, at the same value (docs/simulator.md section 8).
import * as tf from "@tensorflow/tfjs-core";
import { SOFT_EPS } from "@airlora/core";

/** Guards the normalisation so that B = 0 (the LoRA init) gives R = 0 with finite gradients (core's constant). */
export const SOFT_EPSILON = SOFT_EPS;

/** One module's factors: a is [r, k], b is [d, r]. */
export interface LoraFactors {
  readonly a: tf.Tensor;
  readonly b: tf.Tensor;
}

/** R(A, B) of one module. a: [r, k], b: [d, r]. */
export function softRegulariserTf(a: tf.Tensor, b: tf.Tensor, eps: number = SOFT_EPSILON): tf.Scalar {
  return softRegulariserSumTf([{ a, b }], eps);
}

/** sum over modules of R(A_i, B_i), in a few ops per distinct row width. */
export function softRegulariserSumTf(modules: readonly LoraFactors[], eps: number = SOFT_EPSILON): tf.Scalar {
  return tf.tidy(() => {
    const energies = [...rowGroups(modules).values()].map((group) => maskedOffDiagonalEnergy(group, eps));
    return energies.length === 0
      ? tf.scalar(0)
      : energies.length === 1
        ? (energies[0] as tf.Scalar)
        : tf.addN(energies);
  });
}

/** Rows of one width: A's of that width, then the B's of that height (transposed together), and each one's row count
 * (its rank), in stacking order. */
interface RowGroup {
  readonly a: tf.Tensor[];
  readonly b: tf.Tensor[];
  readonly blockSizes: number[];
}

function rowGroups(modules: readonly LoraFactors[]): Map<number, RowGroup> {
  const groups = new Map<number, RowGroup>();
  const groupOf = (width: number): RowGroup => {
    const found = groups.get(width);
    if (found !== undefined) return found;
    const created: RowGroup = { a: [], b: [], blockSizes: [] };
    groups.set(width, created);
    return created;
  };
  for (const { a } of modules) {
    const [rank = 0, width = 0] = a.shape;
    const group = groupOf(width);
    group.a.push(a);
    group.blockSizes.push(rank);
  }
  // B's after all A's, so that each group's stacking order is its A's then its B's, as blockSizes lists them.
  for (const { b } of modules) {
    groupOf(b.shape[0]).b.push(b);
  }
  for (const group of groups.values()) for (const b of group.b) group.blockSizes.push(b.shape[1] ?? 0);
  return groups;
}

/** sum over the group's modules of ||offdiag(U_i U_i^T)||_F^2, U_i the module's rows made unit length. */
function maskedOffDiagonalEnergy(group: RowGroup, eps: number): tf.Scalar {
  const parts = [...group.a];
  // Explicit transposes, not matMul's transposeB: tfjs-webgpu gets a small output over a long inner size wrong that
  // way (see gpt.ts).
  if (group.b.length > 0)
    parts.push(tf.transpose(group.b.length === 1 ? (group.b[0] as tf.Tensor) : tf.concat(group.b, 1)));
  const rows = parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0);
  const unit = tf.div(rows, tf.sqrt(tf.add(tf.sum(tf.square(rows), 1, true), eps)));
  const gram = tf.matMul(unit, tf.transpose(unit));
  return tf.sum(tf.mul(tf.square(gram), ownOffDiagonal(group.blockSizes)));
}

/** 1 where row i and row j belong to the same module and i != j, else 0. */
function ownOffDiagonal(blockSizes: readonly number[]): tf.Tensor2D {
  const n = blockSizes.reduce((sum, size) => sum + size, 0);
  const mask = new Float32Array(n * n);
  let start = 0;
  for (const size of blockSizes) {
    for (let i = start; i < start + size; i += 1) {
      for (let j = start; j < start + size; j += 1) if (i !== j) mask[i * n + j] = 1;
    }
    start += size;
  }
  return tf.tensor2d(mask, [n, n]);
}
