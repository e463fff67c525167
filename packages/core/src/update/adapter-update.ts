// What a client sends after local training (docs/algorithms.md section 3.4; docs/protocol.md). Values are the client's
// NEW factors unless a field says delta. The kind follows the run's aggregation rule:
//   soft  -> "soft"   (kept rank components only)
//   fedit -> "dense"  (all of A' and B')
//   ffa   -> "b-only" (A stays frozen at its seeded init, only B' travels)
//   topk  -> "topk"   (element-wise top-k of dA and dB, as deltas)
// The dense tensors (task head) always travel whole, as new values.

export type Precision = "fp16" | "fp32";

export interface DenseModuleUpdate {
  /** A', r x k */
  readonly a: Float32Array;
  /** B', d x r */
  readonly b: Float32Array;
}

export interface SoftModuleUpdate {
  /** Kept rank indices, strictly increasing, each < r. */
  readonly ranks: readonly number[];
  /** a'_i for each kept i, in `ranks` order: ranks.length x k. */
  readonly a: Float32Array;
  /** b'_i for each kept i, in `ranks` order, each column contiguous: ranks.length x d. */
  readonly b: Float32Array;
}

export interface BOnlyModuleUpdate {
  /** B', d x r */
  readonly b: Float32Array;
}

export interface TopkModuleUpdate {
  /** Flat indices into A (r x k), strictly increasing. */
  readonly aIndex: Uint32Array;
  /** dA at those indices. */
  readonly aDelta: Float32Array;
  /** Flat indices into B (d x r), strictly increasing. */
  readonly bIndex: Uint32Array;
  /** dB at those indices. */
  readonly bDelta: Float32Array;
}

interface UpdateBase {
  /** The round this update answers; the coordinator rejects any other. */
  readonly round: number;
  /** One entry per `AdapterSpec.dense`, same order, new values. */
  readonly dense: readonly Float32Array[];
}

export type AdapterUpdate =
  | (UpdateBase & { readonly kind: "dense"; readonly modules: readonly DenseModuleUpdate[] })
  | (UpdateBase & { readonly kind: "soft"; readonly modules: readonly SoftModuleUpdate[] })
  | (UpdateBase & { readonly kind: "b-only"; readonly modules: readonly BOnlyModuleUpdate[] })
  | (UpdateBase & { readonly kind: "topk"; readonly modules: readonly TopkModuleUpdate[] });

export type UpdateKind = AdapterUpdate["kind"];

export const AGGREGATION_RULES = ["soft", "fedit", "ffa", "topk"] as const;
export type AggregationRuleName = (typeof AGGREGATION_RULES)[number];

/** The update kind each aggregation rule expects from its clients. */
export const UPDATE_KIND_OF_RULE = {
  soft: "soft",
  fedit: "dense",
  ffa: "b-only",
  topk: "topk",
} as const satisfies Record<AggregationRuleName, UpdateKind>;
