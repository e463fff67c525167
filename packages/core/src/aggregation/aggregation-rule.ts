// docs/algorithms.md section 4: one interface, four rules, chosen per run. Every rule validates everything it is given
// and returns a fresh state (no array shared with the inputs).
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import type { Result } from "../result";
import type { AdapterUpdate, AggregationRuleName } from "../update/adapter-update";
import { feditRule } from "./fedit-rule";
import { ffaRule } from "./ffa-rule";
import { softRule } from "./soft-rule";
import { topkRule } from "./topk-rule";

/** One client's update and its data weight (e.g. its number of training examples). */
export interface Contribution {
  readonly update: AdapterUpdate;
  readonly weight: number;
}

export interface AggregationRule {
  readonly name: AggregationRuleName;
  /**
   * The next global adapter from this round's global and contributions. Errors (as values): an update of the wrong
   * kind for the rule, wrong shapes or indices, non-finite values, a negative weight or a total weight <= 0.
   */
  aggregate(spec: AdapterSpec, global: AdapterState, contributions: readonly Contribution[]): Result<AdapterState>;
}

export function aggregationRule(name: AggregationRuleName): AggregationRule {
  switch (name) {
    case "soft":
      return softRule;
    case "fedit":
      return feditRule;
    case "ffa":
      return ffaRule;
    case "topk":
      return topkRule;
    default:
      return name satisfies never;
  }
}
