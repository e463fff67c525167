export { probeBackends, probeOrder, type Preflight, type ProbeOptions, type ProbeReport } from "./backends/probe";
export { PRESETS, parameterCount, type ModelConfig, type PresetName } from "./config/model-config";
export { readSafetensors, writeSafetensors, type NamedTensor, type TensorMap } from "./safetensors/safetensors";
export { gpt2Shapes, gpt2WeightsFrom, initGpt2Weights } from "./weights/gpt2-layout";
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
  type AdapterOptions,
  type LoraTarget,
  type TaskHead,
} from "./lora/lora-targets";
export { SOFT_EPSILON, softRegulariserTf } from "./lora/soft-regulariser";
export {
  trainLocally,
  type LocalTrainingOptions,
  type LocalTrainingResult,
  type TrainingProgress,
} from "./training/local-trainer";
export { evaluateAdapter, type Evaluation } from "./training/evaluate";
export { exampleCount, type TrainingExamples } from "./training/training-data";
export { relativeDifference, stepGradients, type StepGradients } from "./training/step-gradients";
export { parityFixture, type ParityFixture } from "./training/parity-fixture";
export { benchLoraStep, benchMatMul, loraStepFlops, type LoraStepFigures } from "./bench/lora-step-bench";
export * from "./tokenizer/index";
export * from "./tasks/index";
