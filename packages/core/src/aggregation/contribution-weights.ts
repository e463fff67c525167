// docs/algorithms.md section 4.1: w_n = data weight normalised over all of the round's contributors.
import { fail, ok, type Result } from "../result";

/** weights / sum(weights). Each weight must be finite and >= 0, and their sum > 0 (an empty round has none). */
export function normaliseWeights(weights: readonly number[]): Result<Float64Array> {
  let total = 0;
  for (const [n, weight] of weights.entries()) {
    if (!Number.isFinite(weight) || weight < 0) {
      return fail({ code: "bad-weight", reason: `contribution ${n} has weight ${weight}` });
    }
    total += weight;
  }
  if (!(total > 0) || !Number.isFinite(total)) {
    return fail({ code: "bad-weight", reason: `total weight is ${total}; it must be positive and finite` });
  }
  return ok(Float64Array.from(weights, (weight) => weight / total));
}
