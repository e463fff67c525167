// @airlora/rounds: the run and round state machine (docs/rounds.md). Start at machine.ts.
export { candidateRanks, checkRunConfig, specForRank, type PilotRecord, type RunConfig } from "./config";
export type { RunEvent } from "./events";
export { acceptedControls, controlRefusal, type ControlRefusal } from "./control";
export type { Effect, PlannedAssignment, RunSummary } from "./effects";
export { step } from "./machine";
export {
  createRun,
  isTerminal,
  readyParticipants,
  type ActiveRound,
  type Member,
  type MemberPlan,
  type Participant,
  type RunStage,
  type RunState,
  type Step,
} from "./state";
export { restoreRun, snapshotRun, type Restored } from "./snapshot";
export { LINK_LIMITED_FRACTION, nextUplinkEstimate, predictedTauMs } from "./estimates";
export { fixedPayloadBytes, roundDeadlineMs } from "./schedule";
