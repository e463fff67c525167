export { PROTOCOL_VERSION } from "./version";
export { parseMessage } from "./parse";
export {
  BackendName,
  BackendAttempt,
  ByteCount,
  ClientId,
  DurationMs,
  Fraction,
  ResourcePath,
  ResumeToken,
  RoundNumber,
} from "./messages/common";
export { Hello, Welcome, Visibility, ERROR_CODES, ErrorCode, ErrorMessage } from "./messages/client";
export {
  LORA_TARGET_NAMES,
  LoraTargetName,
  PRESET_NAMES,
  PresetName,
  PrecisionName,
  RuleName,
  SessionInfo,
  TASK_NAMES,
  TaskName,
  TrainingSettings,
} from "./messages/session";
export {
  AdapterShape,
  Assignment,
  BinaryChunk,
  ChunkAck,
  MEMBER_OUTCOMES,
  MemberOutcome,
  Progress,
  Ready,
  RoundOutcome,
  RoundReport,
  RunFinished,
  UPDATE_KIND_NAMES,
  UpdateKindName,
  UploadChunkMeta,
} from "./messages/round";
export {
  RoundEvaluation,
  RoundLogClient,
  RoundLogLine,
  RoundLogStatus,
  ROUND_PHASES,
  RoundPhase,
  SCHEDULER_NAMES,
  SchedulerName,
} from "./messages/round-log";
export {
  ClientSummary,
  ClientsDelta,
  CONTROL_ACTIONS,
  ControlAck,
  ControlAction,
  ControlRequest,
  JoinInfo,
  ClientsSnapshot,
  MEMBER_STAGES,
  MemberStatus,
  MAX_REFUSAL_CODES,
  MemberStatuses,
  RefusalCounts,
  RoundHistory,
  RoundStarted,
  RunView,
} from "./messages/dashboard";
export { RUN_STATES, RunState, Health } from "./messages/health";
export {
  CHECKPOINT_STATE_VERSION,
  IdentitySnapshot,
  MachineSnapshot,
  ParticipantSnapshot,
  RunCheckpointState,
  Stage1Snapshot,
} from "./messages/run-checkpoint";
export { DEVICE_KINDS, DeviceInfo, DeviceKind, deviceOf } from "./device";
export * from "./codec/index";
