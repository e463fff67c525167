// The shape of a LoRA adapter (docs/algorithms.md section 1): which frozen weights carry LoRA factors, their sizes and
// rank, and the small dense tensors (task head) that travel uncompressed. Everything else is derived from this.

/** A frozen weight W (d x k) that gets W + (alpha / r) B A, with A (r x k) and B (d x r). */
export interface LoraModuleSpec {
  /** Name of the frozen weight in the base model, e.g. "h.0.attn.q" (the adapter tensors get suffixes). */
  readonly name: string;
  /** Output size: rows of W and of B. */
  readonly d: number;
  /** Input size: columns of W and of A. */
  readonly k: number;
  /** LoRA rank r: rows of A, columns of B. */
  readonly rank: number;
}

/** A tensor trained and sent densely (e.g. the classifier head). Stored flat, row-major. */
export interface DenseTensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface AdapterSpec {
  readonly modules: readonly LoraModuleSpec[];
  readonly dense: readonly DenseTensorSpec[];
  /** LoRA scale numerator: the update is (alpha / r) B A. */
  readonly alpha: number;
}

export function denseSize(tensor: DenseTensorSpec): number {
  return tensor.shape.reduce((size, dim) => size * dim, 1);
}
