export { PROTOCOL_VERSION } from "./version";
export { parseMessage } from "./parse";
export { BackendName, BackendAttempt, ClientId, ResumeToken } from "./messages/common";
export { Hello, Welcome, ERROR_CODES, ErrorCode, ErrorMessage } from "./messages/client";
export { ClientSummary, ClientsSnapshot } from "./messages/dashboard";
export { RUN_STATES, RunState, Health } from "./messages/health";
export * from "./codec/index";
