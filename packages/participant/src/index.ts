// @airlora/participant: one participant session (docs/architecture.md), driven by the browser worker, by Node
// participants (`airlora clients`) and by the simulator. Start at session.ts.
export {
  memoryIdentity,
  startParticipantSession,
  type IdentityStore,
  type ParticipantSession,
  type SessionOptions,
} from "./session";
export type { SessionEvent } from "./session-events";
export type { OutgoingEvent, ParticipantTransport, TransportSignal } from "./transport";
export { socketTransport, type FetchLike, type SocketLike, type SocketTransportOptions } from "./socket-transport";
export { systemClock, type Clock } from "./clock";
export type { DownloadedFiles, LocalWork, ParticipantCompute, TrainRequest, WorkLimit } from "./compute";
export { createTfjsCompute, specForShape, type ModelSource } from "./tfjs-compute";
export { buildRoundUpdate, importanceSpectrum, type BuiltUpdate } from "./build-update";
export { uploadInChunks, type UploadOptions, type UploadTiming } from "./chunked-upload";
export { createPacer, type Pacer } from "./token-bucket";
export { createSimulatedClock, type SimulatedClock } from "./simulated-clock";
