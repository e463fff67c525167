// docs/algorithms.md section 2: R(A, B) = ||offdiag(Â Â^T)||_F^2 + ||offdiag(B̂^T B̂)||_F^2 and its exact gradient, the
// float64 reference the tfjs trainer's regulariser is tested against.

/** Float32Array from a model, Float64Array from a finite-difference test. */
export type Floats = Float32Array | Float64Array;

/**
 * The epsilon in the row/column normalisation â_i = a_i / sqrt(|a_i|^2 + eps) (added to the squared norm, as the
 * tfjs trainer does with the same default). The smooth guard (rather than max(|a|, eps)) keeps R differentiable
 * everywhere; at B = 0 it gives b̂ = 0, R_B = 0 and a zero gradient. 1e-4, not a tiny guard: columns much shorter than
 * sqrt(eps) = 0.01 barely count, since otherwise R's gradient grows like 1/|b_i| right after B = 0 and drowns the task
 * gradient in the first steps of every round (docs/design-notes.md, "SOFT's epsilon").
 */
export const SOFT_EPS = 1e-4;

export interface SoftRegularisation {
  readonly value: number;
  /** dR/dA, r x k row-major like A. */
  readonly gradA: Float64Array;
  /** dR/dB, d x r row-major like B. */
  readonly gradB: Float64Array;
}

/**
 * For r vectors v_i (rows of `v`, each of length n): P = sum_{i != j} (v̂_i . v̂_j)^2 with v̂_i = v_i / n_i,
 * n_i = sqrt(|v_i|^2 + eps). Writes dP/dv into `grad` and returns P.
 * Gradient: with G_ij = v̂_i . v̂_j and g_i = dP/dv̂_i = 4 sum_{j != i} G_ij v̂_j, the normalisation's Jacobian
 * (I - v̂_i v̂_i^T) / n_i gives dP/dv_i = (g_i - v̂_i (v̂_i . g_i)) / n_i. Cost O(r^2 n).
 */
function offDiagonalPenalty(v: Float64Array, r: number, n: number, eps: number, grad: Float64Array): number {
  const norms = new Float64Array(r);
  const unit = new Float64Array(r * n);
  for (let i = 0; i < r; i += 1) {
    let sq = 0;
    for (let c = 0; c < n; c += 1) sq += (v[i * n + c] ?? 0) ** 2;
    const norm = Math.sqrt(sq + eps);
    norms[i] = norm;
    for (let c = 0; c < n; c += 1) unit[i * n + c] = (v[i * n + c] ?? 0) / norm;
  }
  const gram = new Float64Array(r * r);
  let value = 0;
  for (let i = 0; i < r; i += 1) {
    for (let j = i + 1; j < r; j += 1) {
      let dot = 0;
      for (let c = 0; c < n; c += 1) dot += (unit[i * n + c] ?? 0) * (unit[j * n + c] ?? 0);
      gram[i * r + j] = dot;
      gram[j * r + i] = dot;
      value += 2 * dot * dot;
    }
  }
  const g = new Float64Array(n);
  for (let i = 0; i < r; i += 1) {
    g.fill(0);
    for (let j = 0; j < r; j += 1) {
      if (j === i) continue;
      const weight = 4 * (gram[i * r + j] ?? 0);
      for (let c = 0; c < n; c += 1) g[c] = (g[c] ?? 0) + weight * (unit[j * n + c] ?? 0);
    }
    let radial = 0;
    for (let c = 0; c < n; c += 1) radial += (unit[i * n + c] ?? 0) * (g[c] ?? 0);
    const norm = norms[i] ?? 1;
    for (let c = 0; c < n; c += 1) grad[i * n + c] = ((g[c] ?? 0) - (unit[i * n + c] ?? 0) * radial) / norm;
  }
  return value;
}

/** R(A, B) of docs/algorithms.md section 2 with its gradient, in float64. A is r x k, B is d x r, both row-major. */
export function softRegulariser(
  a: Floats,
  b: Floats,
  d: number,
  k: number,
  r: number,
  eps: number = SOFT_EPS,
): SoftRegularisation {
  const rowsA = Float64Array.from(a);
  const gradA = new Float64Array(r * k);
  const valueA = offDiagonalPenalty(rowsA, r, k, eps, gradA);
  // B's columns b_i are strided by r; gather them into contiguous rows, then scatter the gradient back.
  const columnsB = new Float64Array(r * d);
  for (let row = 0; row < d; row += 1) for (let i = 0; i < r; i += 1) columnsB[i * d + row] = b[row * r + i] ?? 0;
  const gradColumnsB = new Float64Array(r * d);
  const valueB = offDiagonalPenalty(columnsB, r, d, eps, gradColumnsB);
  const gradB = new Float64Array(d * r);
  for (let row = 0; row < d; row += 1) {
    for (let i = 0; i < r; i += 1) gradB[row * r + i] = gradColumnsB[i * d + row] ?? 0;
  }
  return { value: valueA + valueB, gradA, gradB };
}
