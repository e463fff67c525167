// The separation-gap diagnostic (docs/algorithms.md section 4.6) over a round's submitted updates: each client's
// adapter as the server sees it (the round's global with that client's update applied, through the rule of its
// kind), weighted by data. O(N r d k): the coordinator runs it in its evaluation worker, off the event loop.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { fail, type Result } from "../result";
import type { AggregationRuleName, UpdateKind } from "../update/adapter-update";
import { aggregationRule, type Contribution } from "./aggregation-rule";
import { separationGap, type SeparationGap } from "./separation-gap";

const RULE_OF_KIND: Readonly<Record<UpdateKind, AggregationRuleName>> = {
  soft: "soft",
  dense: "fedit",
  "b-only": "ffa",
  topk: "topk",
};

export function updateSeparationGap(
  spec: AdapterSpec,
  global: AdapterState,
  contributions: readonly Contribution[],
): Result<SeparationGap> {
  const states: { state: AdapterState; weight: number }[] = [];
  for (const [n, c] of contributions.entries()) {
    const own = aggregationRule(RULE_OF_KIND[c.update.kind]).aggregate(spec, global, [{ update: c.update, weight: 1 }]);
    if (!own.ok) return fail({ code: own.error.code, reason: `update ${n}: ${own.error.reason}` });
    states.push({ state: own.value, weight: c.weight });
  }
  return separationGap(spec, states);
}
