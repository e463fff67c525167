// topk (docs/algorithms.md section 4.5): global + sum_n w_n (sparse dA_n, dB_n), w_n normalised over all contributors.
import type { AggregationRule } from "./aggregation-rule";
import { checkedResult, meanDense, prepareRound } from "./prepare-round";

function applyDeltas(
  base: Float32Array,
  parts: readonly { readonly index: Uint32Array; readonly delta: Float32Array }[],
  weights: Float64Array,
): Float32Array {
  const acc = new Float64Array(base.length);
  acc.set(base);
  for (const [n, part] of parts.entries()) {
    const w = weights[n] ?? 0;
    for (let j = 0; j < part.index.length; j += 1) {
      const at = part.index[j] ?? 0;
      acc[at] = (acc[at] ?? 0) + w * (part.delta[j] ?? 0);
    }
  }
  const out = new Float32Array(acc.length);
  out.set(acc);
  return out;
}

export const topkRule: AggregationRule = {
  name: "topk",
  aggregate(spec, global, contributions) {
    const round = prepareRound(spec, global, contributions, "topk");
    if (!round.ok) return round;
    const { updates, weights } = round.value;
    const empty = {
      aIndex: new Uint32Array(0),
      aDelta: new Float32Array(0),
      bIndex: new Uint32Array(0),
      bDelta: new Float32Array(0),
    };
    const modules = spec.modules.map((_, index) => {
      const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
      const parts = updates.map((u) => u.modules[index] ?? empty);
      return {
        a: applyDeltas(
          g.a,
          parts.map((p) => ({ index: p.aIndex, delta: p.aDelta })),
          weights,
        ),
        b: applyDeltas(
          g.b,
          parts.map((p) => ({ index: p.bIndex, delta: p.bDelta })),
          weights,
        ),
      };
    });
    return checkedResult(spec, contributions, "topk", { modules, dense: meanDense(spec, updates, weights) });
  },
};
