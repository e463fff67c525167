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
export { A_INIT_ROW_NORM, DENSE_INIT_STD, initAdapter } from "./lora/init-adapter";
export { cloneAdapter, zeroAdapter } from "./lora/clone-adapter";
export { validateAdapter } from "./lora/validate-adapter";
export {
  adapterFromNamedTensors,
  adapterToNamedTensors,
  loraATensorName,
  loraBTensorName,
  type NamedTensor,
} from "./lora/adapter-tensors";
export { SOFT_EPS, softRegulariser, type Floats, type SoftRegularisation } from "./soft/soft-regulariser";
export { rankImportance } from "./soft/rank-importance";
export { energyLost } from "./soft/energy-lost";
export { productChangeEnergy } from "./soft/product-change-energy";
export { selectComponents, type ComponentCost, type ComponentSelection } from "./soft/select-components";
export { bytesPerValue, componentBytes } from "./soft/component-bytes";
export type { UpdateBuild, UpdateOfKind } from "./soft/update-build";
export { buildSoftUpdate, type SoftUpdateBuild } from "./soft/build-soft-update";
export { buildBOnlyUpdate, buildDenseUpdate } from "./soft/build-dense-update";
export { buildTopkUpdate, topkElementBytes, type TopkUpdateBuild } from "./soft/build-topk-update";
export { aggregationRule, type AggregationRule, type Contribution } from "./aggregation/aggregation-rule";
export { separationGap, SEPARATION_GAP_MAX_CELLS, type SeparationGap } from "./aggregation/separation-gap";
