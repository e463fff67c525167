export { type Failure, type Result, ok, fail } from "./result";
export { createRng, type Rng } from "./random/rng";
export { mixSeed } from "./random/seed-mix";
export { meanAndSd, type MeanSd } from "./stats/mean-sd";
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
export { simdKernels, type SimdKernels } from "./kernels/simd-kernels";
export { type BatchedMatMul, batchedMatMulScalar, simdBatchedMatMul } from "./kernels/batched-matmul";
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
export { buildTopkUpdate, type TopkUpdateBuild } from "./soft/build-topk-update";
export {
  choosePositionEncoding,
  gapListBytes,
  positionMaskBytes,
  topkPositionEncoding,
  varintBytes,
  type PositionEncoding,
} from "./update/topk-positions";
export { aggregationRule, type AggregationRule, type Contribution } from "./aggregation/aggregation-rule";
export { separationGap, SEPARATION_GAP_MAX_CELLS, type SeparationGap } from "./aggregation/separation-gap";
export { updateSeparationGap } from "./aggregation/update-separation-gap";
export { createChannel, type Channel, type ChannelClient } from "./channel/channel";
export { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from "./channel/channel-config";
export {
  CHANNEL_SCENARIOS,
  CHANNEL_SCENARIO_NAMES,
  scenarioConfig,
  type ChannelScenario,
} from "./channel/channel-scenarios";
export { dbToLinear, dbmToWatts, linearToDb, pathLossDb, snrLinear } from "./channel/radio";
export { linearRate, shannonRate } from "./channel/rates";
export { rateBps, requiredShare, type RateModel } from "./tsfa/rate-model";
export { budgetOptions, type BudgetOption } from "./tsfa/budget-options";
export type { Stage2Input, Stage2Options, Stage2Participant } from "./tsfa/stage2-types";
export type { ClientSchedule, Stage2Schedule } from "./tsfa/stage2-types";
export { solveStage2 } from "./tsfa/stage2";
export { fixedSchedule } from "./tsfa/fixed-schedule";
export { nextVirtualQueue } from "./tsfa/virtual-queue";
export { chooseRank, DEFAULT_RANK_CANDIDATES } from "./tsfa/stage1";
export type { RankCandidate, Stage1Input, Stage1Record } from "./tsfa/stage1";
export { DEFAULT_EWMA_ALPHA, ewma, updateLinkEstimate, type LinkEstimate } from "./tsfa/ewma";
export { MIN_MEASURABLE_UPLOAD_BYTES, MIN_MEASURABLE_UPLOAD_MS, uploadRateBps } from "./tsfa/upload-rate";
export { DEFAULT_PRIOR_DECAY, geometricPrior, geometricSpectrum } from "./tsfa/spectrum-estimate";
export { updateSpectrumEstimate } from "./tsfa/spectrum-estimate";
