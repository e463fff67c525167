// The diagnostic of docs/algorithms.md section 4.6: how far the product of the adapter a rule returns is from the
// mean of the clients' products, relative to how much the round changed the product:
//   gap = ||mean(B_n A_n) - B^ A^||_F / ||mean(B_n A_n) - B_0 A_0||_F,
// with (A_0, B_0) the round's starting global and (A^, B^) what the rule returned.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { validateAdapter } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import { normaliseWeights } from "./contribution-weights";

/** Modules with d * k above this are skipped by default: the exact gap costs O(N r d k) time per module. */
export const SEPARATION_GAP_MAX_CELLS = 1 << 20;

export interface SeparationGap {
  /** Per computed module, spec order. 0 where the round changed nothing (see `ratio`). */
  readonly modules: readonly { readonly name: string; readonly gap: number }[];
  /** Names of modules skipped because d * k > maxCells. */
  readonly skipped: readonly string[];
  /** sqrt(sum_m numerator^2 / sum_m denominator^2) over the computed modules: the gap of all of them at once. */
  readonly overall: number;
}

/**
 * `states`: each client's adapter (the global with its update applied), with its data weight (normalised like the
 * aggregation rules); `returned`: the rule's new global. Exact, one row of the d x k products at a time:
 * O(N r d k) time and O(r (d + k) + k) memory per module. The LoRA scale alpha/r cancels in the ratio.
 */
export function separationGap(
  spec: AdapterSpec,
  global: AdapterState,
  states: readonly { readonly state: AdapterState; readonly weight: number }[],
  returned: AdapterState,
  maxCells: number = SEPARATION_GAP_MAX_CELLS,
): Result<SeparationGap> {
  const weights = normaliseWeights(states.map((s) => s.weight));
  if (!weights.ok) return weights;
  for (const [label, state] of [
    ["global", global],
    ["returned adapter", returned],
    ...states.map(({ state }, n) => [`state ${String(n)}`, state] as const),
  ] as const) {
    const checked = validateAdapter(spec, state);
    if (!checked.ok) return fail({ code: checked.error.code, reason: `${label}: ${checked.error.reason}` });
  }
  const w = weights.value;
  const empty = { a: new Float32Array(0), b: new Float32Array(0) };
  const modules: { name: string; gap: number }[] = [];
  const skipped: string[] = [];
  let gapSq = 0;
  let changeSq = 0;
  let startSq = 0;
  for (const [index, m] of spec.modules.entries()) {
    const { d, k, rank: r, name } = m;
    if (d * k > maxCells) {
      skipped.push(name);
      continue;
    }
    const factors = states.map(({ state }) => state.modules[index] ?? empty);
    const start = global.modules[index] ?? empty;
    const out = returned.modules[index] ?? empty;
    const ideal = new Float64Array(k); // row `row` of mean(B_n A_n)
    let moduleGapSq = 0;
    let moduleChangeSq = 0;
    let moduleStartSq = 0;
    for (let row = 0; row < d; row += 1) {
      ideal.fill(0);
      for (const [n, f] of factors.entries()) {
        const wn = w[n] ?? 0;
        for (let i = 0; i < r; i += 1) {
          const coef = wn * (f.b[row * r + i] ?? 0);
          if (coef === 0) continue;
          for (let c = 0; c < k; c += 1) ideal[c] = (ideal[c] ?? 0) + coef * (f.a[i * k + c] ?? 0);
        }
      }
      for (let c = 0; c < k; c += 1) {
        let got = 0; // (B^ A^)_{row, c}
        let before = 0; // (B_0 A_0)_{row, c}
        for (let i = 0; i < r; i += 1) {
          got += (out.b[row * r + i] ?? 0) * (out.a[i * k + c] ?? 0);
          before += (start.b[row * r + i] ?? 0) * (start.a[i * k + c] ?? 0);
        }
        const target = ideal[c] ?? 0;
        moduleGapSq += (target - got) ** 2;
        moduleChangeSq += (target - before) ** 2;
        moduleStartSq += before ** 2;
      }
    }
    modules.push({ name, gap: ratio(moduleGapSq, moduleChangeSq, moduleStartSq) });
    gapSq += moduleGapSq;
    changeSq += moduleChangeSq;
    startSq += moduleStartSq;
  }
  return ok({ modules, skipped, overall: ratio(gapSq, changeSq, startSq) });
}

/** float32's unit roundoff: adapters are stored in float32. */
const FLOAT32_ROUNDOFF = 2 ** -24;

/**
 * sqrt(gapSq / changeSq), or 0 when the change is within float32's resolution of the starting product: such a
 * round changed nothing the stored adapter can hold, and the ratio would only compare rounding with rounding.
 */
function ratio(gapSq: number, changeSq: number, startSq: number): number {
  return changeSq > FLOAT32_ROUNDOFF ** 2 * startSq && changeSq > 0 ? Math.sqrt(gapSq / changeSq) : 0;
}
