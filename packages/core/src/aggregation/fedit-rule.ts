// fedit (docs/algorithms.md section 4.3): A and B each averaged separately, A <- sum_n w_n A'_n, B <- sum_n w_n B'_n.
import type { AggregationRule } from "./aggregation-rule";
import { checkedResult, meanDense, prepareRound } from "./prepare-round";
import { weightedSum } from "./weighted-sum";

export const feditRule: AggregationRule = {
  name: "fedit",
  aggregate(spec, global, contributions) {
    const round = prepareRound(spec, global, contributions, "dense");
    if (!round.ok) return round;
    const { updates, weights } = round.value;
    const modules = spec.modules.map((m, index) => ({
      a: weightedSum(
        updates.map((u) => u.modules[index]?.a ?? new Float32Array(0)),
        weights,
        m.rank * m.k,
      ),
      b: weightedSum(
        updates.map((u) => u.modules[index]?.b ?? new Float32Array(0)),
        weights,
        m.d * m.rank,
      ),
    }));
    return checkedResult(spec, contributions, "dense", { modules, dense: meanDense(spec, updates, weights) });
  },
};
