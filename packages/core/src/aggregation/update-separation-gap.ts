// The separation-gap diagnostic (docs/algorithms.md section 4.6) over a round's submitted updates: each client's
// adapter as the server sees it (the round's global with that client's update applied, through the rule of its
// kind), weighted by data, against the adapter the round's rule returns for all of them. O(N r d k): the coordinator
// runs it in its evaluation worker, off the event loop.
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

/** Every rule takes one kind of update, so the round's rule is the one of its updates' (common) kind. */
export function updateSeparationGap(
  spec: AdapterSpec,
  global: AdapterState,
  contributions: readonly Contribution[],
): Result<SeparationGap> {
  const kind = contributions[0]?.update.kind;
  if (kind === undefined) return fail({ code: "no-updates", reason: "no updates to diagnose" });
  if (contributions.some((c) => c.update.kind !== kind))
    return fail({ code: "mixed-kinds", reason: "the updates of one round have different kinds" });
  const rule = aggregationRule(RULE_OF_KIND[kind]);
  const states: { state: AdapterState; weight: number }[] = [];
  for (const [n, c] of contributions.entries()) {
    const own = rule.aggregate(spec, global, [{ update: c.update, weight: 1 }]);
    if (!own.ok) return fail({ code: own.error.code, reason: `update ${String(n)}: ${own.error.reason}` });
    states.push({ state: own.value, weight: c.weight });
  }
  const returned = rule.aggregate(spec, global, contributions);
  if (!returned.ok) return returned;
  return separationGap(spec, global, states, returned.value);
}
