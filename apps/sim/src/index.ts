export {
  resumeSimulation,
  simulate,
  type SimulatedRun,
  type SimulationOptions,
  type SimulationProgress,
} from "./simulate";
export { createEventClock, type EventClock } from "./event-clock";
export { writeReport } from "./report/write-report";
export { readTestSplits } from "./report/read-test-splits";
