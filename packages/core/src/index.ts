export { type Failure, type Result, ok, fail } from "./result";
export { BACKEND_ORDER, type BackendName, type BackendAttempt } from "./backend";
