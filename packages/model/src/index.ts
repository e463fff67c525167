export { probeBackends, probeOrder, type Preflight, type ProbeOptions, type ProbeReport } from "./backends/probe";
export {
  chooseBackend,
  choiceAttempts,
  type BackendChoice,
  type BackendRow,
  type BackendVerdict,
  type ChooseOptions,
} from "./backends/choose";
export { PRESETS, parameterCount, type ModelConfig, type PresetName } from "./config/model-config";
export { readSafetensors, writeSafetensors, type NamedTensor, type TensorMap } from "./safetensors/safetensors";
export { gpt2Shapes, gpt2WeightsFrom, initGpt2Weights } from "./weights/gpt2-layout";
export { modelFromBytes } from "./weights/model-from-bytes";
export { POOLING_CENTRE_FILE, POOLING_CENTRE_TENSOR, parsePoolingCentre } from "./weights/pooling-centre";
export {
  createGpt,
  disposeGpt,
  hiddenStates,
  type ForwardOptions,
  type GptModel,
  type LoraBinding,
} from "./transformer/gpt";
export {
  DEFAULT_TARGETS,
  LORA_TARGETS,
  adapterSpecFor,
  taskHead,
  parseLoraTargets,
  type AdapterOptions,
  type LoraTarget,
  type TaskHead,
} from "./lora/lora-targets";
export { type LoraFactors, SOFT_EPSILON, softRegulariserSumTf, softRegulariserTf } from "./lora/soft-regulariser";
export {
  trainLocally,
  type LocalTrainingOptions,
  type LocalTrainingResult,
  type TrainingProgress,
} from "./training/local-trainer";
export { evaluateAdapter, type Evaluation } from "./training/evaluate";
export { exampleCount, firstWindows, type TrainingExamples } from "./training/training-data";
export { fitLinearHead, type FittedHead, type LinearProbeOptions } from "./training/linear-probe";
export {
  compareStep,
  relativeDifference,
  stepGradients,
  type ParityVerdict,
  type StepGradients,
} from "./training/step-gradients";
export { parityFixture, type ParityFixture } from "./training/parity-fixture";
export {
  benchLoraStep,
  benchMatMul,
  loraStepFlops,
  loraStepRunner,
  timeLoraStep,
  type LoraStepFigures,
  type LoraStepRunner,
} from "./bench/lora-step-bench";
export { benchParticipantStep, type ParticipantStepFigures } from "./bench/participant-step-bench";
export { PARTICIPANT_TRAINING, type ParticipantTrainingConfig } from "./training/participant-training";
export { runPilot, type PilotOptions, type PilotResult } from "./training/pilot";
export {
  DEFAULT_CALIBRATION_FRACTION,
  DEFAULT_CALIBRATION_ROWS,
  defaultCalibrationRows,
} from "./tasks/calibration-slice";
export * from "./tokenizer/index";
export * from "./tasks/index";
export {
  ADAPTER_METADATA_KEYS,
  adapterMetadata,
  describeSpec,
  descriptionFromMetadata,
  sameSpec,
  specMetadata,
  targetOf,
  type AdapterDescription,
} from "./export/adapter-description";
export { gpt2SiteOf, type Gpt2Site } from "./export/gpt2-sites";
export { TIED_EMBEDDING_REASON, mergeAdapter } from "./export/merge-adapter";
export { PEFT_PREFIX, peftAdapter, type PeftAdapter, type PeftLoraConfig } from "./export/peft-adapter";
export {
  TFJS_MANIFEST_FILE,
  TFJS_SHARD_FILE,
  tfjsWeights,
  type TfjsWeightEntry,
  type TfjsWeightsManifest,
} from "./export/tfjs-weights";
