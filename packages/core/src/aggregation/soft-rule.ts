// soft (docs/algorithms.md section 4.2): per module and rank i, a_i <- a_i + sum_{n sent i} w_n (a'_{n,i} - a_i), same
// for b_i; a rank nobody sent stays exactly as it was.
import type { LoraModuleState } from "../lora/adapter-state";
import type { SoftModuleUpdate } from "../update/adapter-update";
import type { AggregationRule } from "./aggregation-rule";
import { checkedResult, meanDense, prepareRound } from "./prepare-round";
import { accumulate } from "./weighted-sum";

/** Who sent rank i: their factor arrays, where a'_i and b'_i start in them, and their weights, in contributor order. */
interface Senders {
  readonly a: Float32Array[];
  readonly aFrom: number[];
  readonly b: Float32Array[];
  readonly bFrom: number[];
  readonly weights: number[];
}

/**
 * With sum_n w_n = 1 the rule is a_i <- u_i a_i + sum_{n sent i} w_n a'_{n,i}, where u_i = sum of the weights of the
 * contributors that did not send i. Computed that way, summing in contributor order as fedit does: when every
 * contributor sends i, u_i = 0 and the result is fedit's sum_n w_n a'_{n,i} bit for bit; a single contributor's
 * components come back exactly. b_i is accumulated as a contiguous column (as sent) and placed into B at the end.
 */
function aggregateModule(
  g: LoraModuleState,
  parts: readonly SoftModuleUpdate[],
  weights: Float64Array,
  d: number,
  k: number,
  r: number,
): LoraModuleState {
  const senders: Senders[] = Array.from({ length: r }, () => ({ a: [], aFrom: [], b: [], bFrom: [], weights: [] }));
  const unsent = new Float64Array(r);
  const sentNow = new Uint8Array(r);
  for (const [n, part] of parts.entries()) {
    const w = weights[n] ?? 0;
    sentNow.fill(0);
    for (const [slot, i] of part.ranks.entries()) {
      const s = senders[i];
      if (s === undefined) continue;
      sentNow[i] = 1;
      s.a.push(part.a);
      s.aFrom.push(slot * k);
      s.b.push(part.b);
      s.bFrom.push(slot * d);
      s.weights.push(w);
    }
    for (let i = 0; i < r; i += 1) if (sentNow[i] === 0) unsent[i] = (unsent[i] ?? 0) + w;
  }
  const a = g.a.slice();
  const b = g.b.slice();
  const accA = new Float64Array(k);
  const accB = new Float64Array(d);
  for (const [i, s] of senders.entries()) {
    if (s.weights.length === 0) continue; // unsent: unchanged, bit for bit
    const u = unsent[i] ?? 0;
    accA.fill(0);
    accB.fill(0);
    accumulate(accA, 0, s.a, s.aFrom, s.weights, k);
    accumulate(accB, 0, s.b, s.bFrom, s.weights, d);
    for (let c = 0; c < k; c += 1) a[i * k + c] = u * (g.a[i * k + c] ?? 0) + (accA[c] ?? 0);
    for (let row = 0; row < d; row += 1) b[row * r + i] = u * (g.b[row * r + i] ?? 0) + (accB[row] ?? 0);
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
