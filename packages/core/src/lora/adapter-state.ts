// The values of a LoRA adapter, laid out as tfjs and PEFT lay them out (row-major):
//   a: A, r x k, row i is a_i (length k) at a[i*k .. i*k+k)
//   b: B, d x r, column i is b_i (length d) at b[j*r + i] for j in 0..d  (strided)
// Rank component i is the pair (b_i, a_i); B A = sum_i b_i a_i^T.

export interface LoraModuleState {
  readonly a: Float32Array;
  readonly b: Float32Array;
}

export interface AdapterState {
  /** One entry per `AdapterSpec.modules`, same order. */
  readonly modules: readonly LoraModuleState[];
  /** One entry per `AdapterSpec.dense`, same order. */
  readonly dense: readonly Float32Array[];
}
