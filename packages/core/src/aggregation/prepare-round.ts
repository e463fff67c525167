// What every rule checks before it computes: a well-formed global, usable weights, updates of its kind with the
// spec's shapes and valid indices. Values are checked after: every value of every update reaches the result with a
// finite weight, so the result is finite iff every value was (a NaN or Infinity propagates through w * x, even at
// w = 0), and one pass over the result replaces one over every input (`checkedResult`).
import { denseSize, type AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { firstNonFinite, validateAdapter } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import type { UpdateOfKind } from "../soft/update-build";
import type { AdapterUpdate, UpdateKind } from "../update/adapter-update";
import { checkUpdate } from "./check-update";
import { normaliseWeights } from "./contribution-weights";
import { weightedSum } from "./weighted-sum";

export interface PreparedRound<K extends UpdateKind> {
  readonly updates: readonly UpdateOfKind<K>[];
  /** Normalised over all contributors: sum = 1. */
  readonly weights: Float64Array;
}

type Contributions = readonly { readonly update: AdapterUpdate; readonly weight: number }[];

export function prepareRound<K extends UpdateKind>(
  spec: AdapterSpec,
  global: AdapterState,
  contributions: Contributions,
  kind: K,
): Result<PreparedRound<K>> {
  const checkedGlobal = validateAdapter(spec, global);
  if (!checkedGlobal.ok)
    return fail({ code: checkedGlobal.error.code, reason: `global: ${checkedGlobal.error.reason}` });
  const weights = normaliseWeights(contributions.map((c) => c.weight));
  if (!weights.ok) return weights;
  const updates: UpdateOfKind<K>[] = [];
  for (const [n, contribution] of contributions.entries()) {
    const checked = checkUpdate(spec, contribution.update, kind, { values: false });
    if (!checked.ok) return fail({ code: checked.error.code, reason: `contribution ${n}: ${checked.error.reason}` });
    updates.push(checked.value);
  }
  return ok({ updates, weights: weights.value });
}

/**
 * The rule's result if every value in it is finite; otherwise the first contribution holding a NaN or Infinity,
 * named as checkUpdate names it (the slow, full check runs only then).
 */
export function checkedResult(
  spec: AdapterSpec,
  contributions: Contributions,
  kind: UpdateKind,
  result: AdapterState,
): Result<AdapterState> {
  const finite = (x: Float32Array): boolean => firstNonFinite(x) < 0;
  if (result.modules.every((m) => finite(m.a) && finite(m.b)) && result.dense.every(finite)) return ok(result);
  for (const [n, contribution] of contributions.entries()) {
    const checked = checkUpdate(spec, contribution.update, kind);
    if (!checked.ok) return fail({ code: checked.error.code, reason: `contribution ${n}: ${checked.error.reason}` });
  }
  return fail({ code: "non-finite", reason: "the aggregate is not finite" });
}

/** Dense tensors (task head) under every rule: the weighted mean of the contributors' new values. */
export function meanDense(
  spec: AdapterSpec,
  updates: readonly { readonly dense: readonly Float32Array[] }[],
  weights: Float64Array,
): Float32Array[] {
  return spec.dense.map((tensor, index) =>
    weightedSum(
      updates.map((u) => u.dense[index] ?? new Float32Array(0)),
      weights,
      denseSize(tensor),
    ),
  );
}
