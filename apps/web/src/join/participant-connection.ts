// The participant's socket: joins /client with the join token, says hello on every (re)connect, validates what the
// coordinator says and reports it as phases. The socket is the only thing here; the page just renders phases.
import { io, type Socket } from "socket.io-client";
import { ErrorMessage, type Hello, parseMessage, Welcome } from "@airlora/protocol";
import type { IdentityStore } from "./identity-store";

export type Phase =
  | { readonly kind: "connecting" }
  | { readonly kind: "joined"; readonly clientId: string; readonly resumed: boolean }
  | { readonly kind: "reconnecting"; readonly reason: string }
  | { readonly kind: "rejected"; readonly reason: string };

export interface ParticipantConnectionOptions {
  readonly joinToken: string;
  readonly identity: IdentityStore;
  readonly hello: Omit<Hello, "resumeToken">;
  readonly onPhase: (phase: Phase) => void;
  readonly onServerError: (error: ErrorMessage) => void;
}

export function connectParticipant(options: ParticipantConnectionOptions): Socket {
  // WebSocket only: a closing tab then tells the coordinator at once, so a reload resumes cleanly.
  const socket = io("/client", { auth: { token: options.joinToken }, transports: ["websocket"] });
  options.onPhase({ kind: "connecting" });

  socket.on("connect", () => {
    const resumeToken = options.identity.load();
    const hello: Hello = resumeToken === undefined ? options.hello : { ...options.hello, resumeToken };
    socket.emit("hello", hello);
  });

  socket.on("welcome", (payload: unknown) => {
    const welcome = parseMessage(Welcome, payload);
    if (!welcome.ok) {
      options.onServerError({ code: "bad-message", reason: `coordinator sent a bad welcome: ${welcome.error.reason}` });
      return;
    }
    options.identity.save(welcome.value.resumeToken);
    options.onPhase({ kind: "joined", clientId: welcome.value.clientId, resumed: welcome.value.resumed });
  });

  socket.on("error", (payload: unknown) => {
    const error = parseMessage(ErrorMessage, payload);
    options.onServerError(
      error.ok
        ? error.value
        : { code: "bad-message", reason: `unreadable error from coordinator: ${error.error.reason}` },
    );
  });

  socket.on("connect_error", (error: Error) => {
    // A refusal by the coordinator's middleware is final; a transport failure is retried by socket.io.
    options.onPhase(
      socket.active ? { kind: "reconnecting", reason: error.message } : { kind: "rejected", reason: error.message },
    );
  });

  socket.on("disconnect", (reason) => {
    options.onPhase(
      socket.active
        ? { kind: "reconnecting", reason }
        : { kind: "rejected", reason: `disconnected by the coordinator (${reason})` },
    );
  });

  addEventListener("pagehide", () => socket.disconnect());
  return socket;
}
