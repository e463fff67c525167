export { startCoordinator, type RunningCoordinator } from "./server";
export { defaultConfig, type CoordinatorConfig } from "./config";
export { silentLogger, stderrLogger, type Logger } from "./log";
// What the simulator (apps/sim) builds on: the same run preparation, engine and evaluation worker as `start`.
export { createEngine, type EnginePorts, type RunEngine, type TimerPort } from "./run/engine";
export { prepareRun, type PreparedRun, type Resource } from "./run/prepare-run";
export { findResource } from "./run/run-files";
export { runSettings, type RunFlags, type RunSettings } from "./run/run-settings";
export { startEvaluator, type Evaluator } from "./evaluator/evaluator";
export { VERSION } from "./version";
export { acceptChunk, isComplete, type UploadInProgress } from "./uploads/upload-assembler";
export { startThread } from "./thread";
export { readTestSplit, type TestReading } from "./run/test-reading";
export { adapterMovement, type ModuleMovement } from "./run/adapter-movement";
export { loadResumePoint, type ResumePoint } from "./run/resume";
export { resumedStart } from "./run/resume-start";
export { CONNECTION_FAULT_KINDS, withFaults, type Fault } from "./node-clients/faults";
export type { IndexedFault } from "./cli/fault-flag";
