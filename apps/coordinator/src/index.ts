export { startCoordinator, type RunningCoordinator } from "./server";
export { defaultConfig, type CoordinatorConfig } from "./config";
export { silentLogger, stderrLogger, type Logger } from "./log";
