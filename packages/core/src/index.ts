export { type Failure, type Result, ok, fail } from "./result";
export { createRng, type Rng } from "./random/rng";
export { BACKEND_ORDER, type BackendName, type BackendAttempt } from "./backend";
export { type AdapterSpec, type DenseTensorSpec, type LoraModuleSpec, denseSize } from "./lora/adapter-spec";
export type { AdapterState, LoraModuleState } from "./lora/adapter-state";
export {
  AGGREGATION_RULES,
  UPDATE_KIND_OF_RULE,
  type AdapterUpdate,
  type AggregationRuleName,
  type BOnlyModuleUpdate,
  type DenseModuleUpdate,
  type Precision,
  type SoftModuleUpdate,
  type TopkModuleUpdate,
  type UpdateKind,
} from "./update/adapter-update";
