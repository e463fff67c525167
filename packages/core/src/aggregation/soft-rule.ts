// soft (docs/algorithms.md section 4.2): per module and rank i, a_i <- a_i + sum_{n sent i} w_n (a'_{n,i} - a_i), same
// for b_i; a rank nobody sent stays exactly as it was.
import type { LoraModuleState } from "../lora/adapter-state";
import { ok } from "../result";
import type { SoftModuleUpdate } from "../update/adapter-update";
import type { AggregationRule } from "./aggregation-rule";
import { meanDense, prepareRound } from "./prepare-round";

/**
 * With sum_n w_n = 1 the rule is a_i <- u_i a_i + sum_{n sent i} w_n a'_{n,i}, where u_i = sum of the weights of the
 * contributors that did not send i. Computed that way: when every contributor sends i, u_i = 0 and the result is
 * fedit's sum_n w_n a'_{n,i} with the same float64 accumulation (bitwise equal to fedit); a single contributor's
 * components come back exactly.
 */
function aggregateModule(
  g: LoraModuleState,
  parts: readonly SoftModuleUpdate[],
  weights: Float64Array,
  d: number,
  k: number,
  r: number,
): LoraModuleState {
  const accA = new Float64Array(r * k);
  const accB = new Float64Array(d * r);
  const unsent = new Float64Array(r);
  const sentBy = new Uint32Array(r);
  const sentNow = new Uint8Array(r);
  for (const [n, part] of parts.entries()) {
    const w = weights[n] ?? 0;
    sentNow.fill(0);
    for (const [slot, i] of part.ranks.entries()) {
      sentNow[i] = 1;
      sentBy[i] = (sentBy[i] ?? 0) + 1;
      for (let c = 0; c < k; c += 1) accA[i * k + c] = (accA[i * k + c] ?? 0) + w * (part.a[slot * k + c] ?? 0);
      for (let row = 0; row < d; row += 1) {
        accB[row * r + i] = (accB[row * r + i] ?? 0) + w * (part.b[slot * d + row] ?? 0);
      }
    }
    for (let i = 0; i < r; i += 1) if (sentNow[i] === 0) unsent[i] = (unsent[i] ?? 0) + w;
  }
  const a = g.a.slice();
  const b = g.b.slice();
  for (let i = 0; i < r; i += 1) {
    if (sentBy[i] === 0) continue; // unsent: unchanged, bit for bit
    const u = unsent[i] ?? 0;
    for (let c = 0; c < k; c += 1) a[i * k + c] = u * (g.a[i * k + c] ?? 0) + (accA[i * k + c] ?? 0);
    for (let row = 0; row < d; row += 1) b[row * r + i] = u * (g.b[row * r + i] ?? 0) + (accB[row * r + i] ?? 0);
  }
  return { a, b };
}

export const softRule: AggregationRule = {
  name: "soft",
  aggregate(spec, global, contributions) {
    const round = prepareRound(spec, global, contributions, "soft");
    if (!round.ok) return round;
    const { updates, weights } = round.value;
    const modules = spec.modules.map((m, index) => {
      const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
      const parts = updates.map(
        (u) => u.modules[index] ?? { ranks: [], a: new Float32Array(0), b: new Float32Array(0) },
      );
      return aggregateModule(g, parts, weights, m.d, m.k, m.rank);
    });
    return ok({ modules, dense: meanDense(spec, updates, weights) });
  },
};
