// What the participant session needs from its shell (docs/architecture.md): JSON messages both ways, acknowledged
// binary chunks, HTTP fetches from the coordinator, and word of the connection coming and going. The browser
// worker and the Node participants hand it a socket.io-client socket (socket-transport.ts); the simulator an
// in-memory one. Nothing here throws: failures are values.
import type { Result } from "@airlora/core";
import type { UploadChunkMeta } from "@airlora/protocol";

export type TransportSignal =
  | { readonly kind: "connected" }
  /** The connection dropped; `retrying` when the transport reconnects by itself. */
  | { readonly kind: "disconnected"; readonly reason: string; readonly retrying: boolean }
  | { readonly kind: "message"; readonly event: string; readonly payload: unknown };

export type OutgoingEvent = "hello" | "ready" | "submit" | "progress" | "visibility";

export interface ParticipantTransport {
  /** Sets the one listener for everything the coordinator says; signals arrive in order. */
  listen(listener: (signal: TransportSignal) => void): void;
  send(event: OutgoingEvent, payload: unknown): void;
  /** Sends one chunk and resolves with the coordinator's acknowledgement (unvalidated), or a failure. */
  sendChunk(meta: UploadChunkMeta, bytes: Uint8Array, timeoutMs: number): Promise<Result<unknown>>;
  /** GET of a coordinator resource (`path` from a message); `clientId` lets it count the bytes it served us. */
  fetch(path: string, clientId: string | undefined): Promise<Result<Uint8Array>>;
  close(): void;
}
