// The diagnostic of docs/algorithms.md section 4.6: how far averaging A and B separately is from averaging the
// products, ||mean(B_n A_n) - mean(B_n) mean(A_n)||_F / ||mean(B_n A_n)||_F (the covariance term fedit ignores).
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { validateAdapter } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import { normaliseWeights } from "./contribution-weights";

/** Modules with d * k above this are skipped by default: the exact gap costs O(N r d k) time per module. */
export const SEPARATION_GAP_MAX_CELLS = 1 << 20;

export interface SeparationGap {
  /** Per computed module, spec order. 0 where mean(B_n A_n) = 0. */
  readonly modules: readonly { readonly name: string; readonly gap: number }[];
  /** Names of modules skipped because d * k > maxCells. */
  readonly skipped: readonly string[];
  /** sqrt(sum_m gap numerator^2 / sum_m denominator^2) over the computed modules: the gap of all of them at once. */
  readonly overall: number;
}

/**
 * Weighted means (weights normalised like the aggregation rules). Exact, one row of the d x k products at a time:
 * O(N r d k) time and O(r (d + k) + k) memory per module. The LoRA scale alpha/r cancels in the ratio.
 */
export function separationGap(
  spec: AdapterSpec,
  states: readonly { readonly state: AdapterState; readonly weight: number }[],
  maxCells: number = SEPARATION_GAP_MAX_CELLS,
): Result<SeparationGap> {
  const weights = normaliseWeights(states.map((s) => s.weight));
  if (!weights.ok) return weights;
  for (const [n, { state }] of states.entries()) {
    const checked = validateAdapter(spec, state);
    if (!checked.ok) return fail({ code: checked.error.code, reason: `state ${n}: ${checked.error.reason}` });
  }
  const w = weights.value;
  const modules: { name: string; gap: number }[] = [];
  const skipped: string[] = [];
  let gapSq = 0;
  let normSq = 0;
  for (const [index, m] of spec.modules.entries()) {
    const { d, k, rank: r, name } = m;
    if (d * k > maxCells) {
      skipped.push(name);
      continue;
    }
    const factors = states.map(
      ({ state }) => state.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) },
    );
    const meanA = new Float64Array(r * k);
    const meanB = new Float64Array(d * r);
    for (const [n, f] of factors.entries()) {
      const wn = w[n] ?? 0;
      for (let i = 0; i < meanA.length; i += 1) meanA[i] = (meanA[i] ?? 0) + wn * (f.a[i] ?? 0);
      for (let i = 0; i < meanB.length; i += 1) meanB[i] = (meanB[i] ?? 0) + wn * (f.b[i] ?? 0);
    }
    const productRow = new Float64Array(k); // row j of mean(B_n A_n)
    let moduleGapSq = 0;
    let moduleNormSq = 0;
    for (let row = 0; row < d; row += 1) {
      productRow.fill(0);
      for (const [n, f] of factors.entries()) {
        const wn = w[n] ?? 0;
        for (let i = 0; i < r; i += 1) {
          const coef = wn * (f.b[row * r + i] ?? 0);
          if (coef === 0) continue;
          for (let c = 0; c < k; c += 1) productRow[c] = (productRow[c] ?? 0) + coef * (f.a[i * k + c] ?? 0);
        }
      }
      for (let c = 0; c < k; c += 1) {
        let separate = 0; // (mean(B) mean(A))_{row, c}
        for (let i = 0; i < r; i += 1) separate += (meanB[row * r + i] ?? 0) * (meanA[i * k + c] ?? 0);
        const joint = productRow[c] ?? 0;
        moduleGapSq += (joint - separate) ** 2;
        moduleNormSq += joint ** 2;
      }
    }
    modules.push({ name, gap: moduleNormSq > 0 ? Math.sqrt(moduleGapSq / moduleNormSq) : 0 });
    gapSq += moduleGapSq;
    normSq += moduleNormSq;
  }
  return ok({ modules, skipped, overall: normSq > 0 ? Math.sqrt(gapSq / normSq) : 0 });
}
