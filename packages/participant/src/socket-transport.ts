// ParticipantTransport over a socket.io-client socket and HTTP fetch. This package imports no socket library: the
// shell creates the socket (in a browser worker or a Node thread) and hands it in as the slice used here.
import { fail, ok, type Result } from "@airlora/core";
import type { ParticipantTransport, TransportSignal } from "./transport";

/** The part of a socket.io-client Socket the transport uses. */
export interface SocketLike {
  readonly active: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
  disconnect(): unknown;
}

interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}
export type FetchLike = (url: string, init: { headers: Record<string, string> }) => Promise<FetchResponse>;

export interface SocketTransportOptions {
  readonly socket: SocketLike;
  /** e.g. http://192.168.1.20:8080; resource paths from the coordinator are relative to it. */
  readonly origin: string;
  readonly joinToken: string;
  readonly fetch: FetchLike;
}

export function socketTransport(options: SocketTransportOptions): ParticipantTransport {
  const { socket } = options;
  let listener: ((signal: TransportSignal) => void) | undefined;
  const signal = (s: TransportSignal): void => listener?.(s);
  socket.on("connect", () => {
    signal({ kind: "connected" });
  });
  socket.on("disconnect", (reason: unknown) => {
    signal({ kind: "disconnected", reason: String(reason), retrying: socket.active });
  });
  socket.on("connect_error", (error: unknown) => {
    const reason = connectErrorReason(error);
    // A refusal by the coordinator's middleware is final; a transport failure (coordinator down, a certificate not
    // trusted) is retried by socket.io, and said, so that a participant that cannot connect does not look idle.
    signal({ kind: "disconnected", reason, retrying: socket.active });
  });
  socket.onAny((event: string, ...args: unknown[]) => {
    signal({ kind: "message", event, payload: args[0] });
  });
  return {
    listen: (next) => {
      listener = next;
    },
    send: (event, payload) => {
      socket.emit(event, payload);
    },
    sendChunk: async (meta, bytes, timeoutMs) => {
      try {
        return ok(await socket.timeout(timeoutMs).emitWithAck("upload-chunk", meta, bytes));
      } catch (error) {
        return fail({
          code: "ack-timeout",
          reason: `no acknowledgement within ${timeoutMs} ms (${error instanceof Error ? error.message : String(error)})`,
        });
      }
    },
    fetch: async (path, clientId): Promise<Result<Uint8Array>> => {
      const headers: Record<string, string> = { authorization: `Bearer ${options.joinToken}` };
      if (clientId !== undefined) headers["x-airlora-client"] = clientId;
      try {
        const response = await options.fetch(`${options.origin}${path}`, { headers });
        if (!response.ok) {
          const body = (await response.text()).slice(0, 300);
          return fail({ code: "http-error", reason: `GET ${path}: HTTP ${response.status} ${body}` });
        }
        return ok(new Uint8Array(await response.arrayBuffer()));
      } catch (error) {
        return fail({
          code: "http-error",
          reason: `GET ${path}: ${error instanceof Error ? error.message : String(error)}`,
        });
      }
    },
    close: () => {
      socket.disconnect();
    },
  };
}

/** socket.io names a transport failure "websocket error" and keeps the cause (a refused connection, a certificate
 * not trusted) in `description`: both are worth showing to the person whose participant cannot connect. */
function connectErrorReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const description: unknown = (error as Error & { description?: unknown }).description;
  const cause = messageOf(description) ?? messageOf((description as { error?: unknown } | undefined)?.error);
  return cause === undefined || cause === error.message ? error.message : `${error.message}: ${cause}`;
}

function messageOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && "message" in value && typeof value.message === "string")
    return value.message;
  return undefined;
}
