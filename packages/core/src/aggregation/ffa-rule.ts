// ffa (docs/algorithms.md section 4.4): A stays at the global's (frozen, seeded) values, B <- sum_n w_n B'_n. Exact,
// because sum_n w_n B'_n A = (sum_n w_n B'_n) A when every client shares A.
import type { AggregationRule } from "./aggregation-rule";
import { checkedResult, meanDense, prepareRound } from "./prepare-round";
import { weightedSum } from "./weighted-sum";

export const ffaRule: AggregationRule = {
  name: "ffa",
  aggregate(spec, global, contributions) {
    const round = prepareRound(spec, global, contributions, "b-only");
    if (!round.ok) return round;
    const { updates, weights } = round.value;
    const modules = spec.modules.map((m, index) => ({
      a: global.modules[index]?.a.slice() ?? new Float32Array(0),
      b: weightedSum(
        updates.map((u) => u.modules[index]?.b ?? new Float32Array(0)),
        weights,
        m.d * m.rank,
      ),
    }));
    return checkedResult(spec, contributions, "b-only", { modules, dense: meanDense(spec, updates, weights) });
  },
};
