// soft (docs/algorithms.md section 4.2): per module and rank i, a_i <- a_i + sum_{n sent i} w_n (a'_{n,i} - a_i), same
// for b_i; a rank nobody sent stays exactly as it was.
import type { LoraModuleState } from "../lora/adapter-state";
import type { SoftModuleUpdate } from "../update/adapter-update";
import type { AggregationRule } from "./aggregation-rule";
import { checkedResult, meanDense, prepareRound } from "./prepare-round";
import { accumulateRows } from "./weighted-sum";

/**
 * With sum_n w_n = 1 the rule is a_i <- u_i a_i + sum_{n sent i} w_n a'_{n,i}, where u_i = sum of the weights of the
 * contributors that did not send i. The sums run over every contributor in order, a contributor that did not send i
 * adding a zero (accumulateRows), as fedit sums: when every contributor sends i, u_i = 0 and the result is fedit's
 * sum_n w_n a'_{n,i} bit for bit; a single contributor's components come back exactly; a rank nobody sent is left
 * exactly as it was. b_i is accumulated as a contiguous column (as sent) and placed into B at the end.
 */
function aggregateModule(
  g: LoraModuleState,
  parts: readonly SoftModuleUpdate[],
  weights: Float64Array,
  d: number,
  k: number,
  r: number,
): LoraModuleState {
  const unsent = new Float64Array(r);
  const sentBy = new Uint32Array(r);
  for (const [n, part] of parts.entries()) {
    for (const i of part.ranks) sentBy[i] = (sentBy[i] ?? 0) + 1;
    let j = 0;
    for (let i = 0; i < r; i += 1) {
      if (part.ranks[j] === i) j += 1;
      else unsent[i] = (unsent[i] ?? 0) + (weights[n] ?? 0);
    }
  }
  const w = Array.from(weights);
  const accA = new Float32Array(r * k);
  const accB = new Float32Array(r * d);
  accumulateRows(
    accA,
    k,
    parts.map((p) => ({ rows: p.ranks, values: p.a })),
    w,
  );
  accumulateRows(
    accB,
    d,
    parts.map((p) => ({ rows: p.ranks, values: p.b })),
    w,
  );
  const a = g.a.slice();
  const b = g.b.slice();
  for (let i = 0; i < r; i += 1) {
    if (sentBy[i] === 0) continue; // unsent: unchanged, bit for bit
    const u = unsent[i] ?? 0;
    for (let c = 0; c < k; c += 1) a[i * k + c] = u * (g.a[i * k + c] ?? 0) + (accA[i * k + c] ?? 0);
    for (let row = 0; row < d; row += 1) b[row * r + i] = u * (g.b[row * r + i] ?? 0) + (accB[i * d + row] ?? 0);
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
    return checkedResult(spec, contributions, "soft", { modules, dense: meanDense(spec, updates, weights) });
  },
};
