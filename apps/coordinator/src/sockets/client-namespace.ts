// The /client namespace: participants join with the join token, say hello, get an identity. Every message is
// validated here; a bad one gets an `error` reply and is counted, and nothing a client sends can throw.
import { randomBytes } from "node:crypto";
import type { Namespace, Socket } from "socket.io";
import { type ErrorMessage, Hello, PROTOCOL_VERSION, parseMessage, type Welcome } from "@airlora/protocol";
import { newToken, handshakeToken, tokenMatches } from "../auth/tokens";
import type { ClientStore } from "../clients/client-store";
import { admit, clientOfSocket, invalidMessageFrom, socketClosed } from "../clients/registry";
import type { Logger } from "../log";

/** After this many refused messages a socket is disconnected: it is broken or hostile. */
export const MAX_INVALID_MESSAGES = 50;

export interface ClientNamespaceDeps {
  readonly joinToken: string;
  readonly store: ClientStore;
  readonly log: Logger;
  readonly now?: () => number;
}

interface SocketData {
  invalidMessages: number;
}

export function attachClientNamespace(nsp: Namespace, deps: ClientNamespaceDeps): void {
  const now = deps.now ?? Date.now;

  nsp.use((socket, next) => {
    const token = handshakeToken(socket.handshake.auth);
    if (tokenMatches(token, deps.joinToken)) {
      next();
      return;
    }
    deps.log.warn("client.rejected", { address: socket.handshake.address, reason: "bad join token" });
    next(new Error("bad-token: the join token is missing or wrong; open the join URL or scan the QR code again"));
  });

  nsp.on("connection", (socket: Socket) => {
    const data = socket.data as SocketData;
    data.invalidMessages = 0;
    deps.log.info("client.connected", { socket: socket.id, address: socket.handshake.address });

    const refuse = (error: ErrorMessage): void => {
      data.invalidMessages += 1;
      const client = clientOfSocket(deps.store.get(), socket.id);
      if (client !== undefined) deps.store.set(invalidMessageFrom(deps.store.get(), client.clientId));
      deps.log.warn("client.invalid-message", { socket: socket.id, code: error.code, reason: error.reason });
      socket.emit("error", error);
      if (data.invalidMessages >= MAX_INVALID_MESSAGES) {
        socket.emit("error", {
          code: "too-many-errors",
          reason: `disconnected after ${String(MAX_INVALID_MESSAGES)} refused messages`,
        } satisfies ErrorMessage);
        socket.disconnect(true);
      }
    };

    socket.onAny((event: unknown, ...args: unknown[]) => {
      const name = typeof event === "string" ? event.slice(0, 100) : "(not a string)";
      if (name !== "hello") {
        refuse({ code: "unknown-message", reason: `no message named "${name}" on /client`, inReplyTo: name });
        return;
      }
      onHello(socket, args[0], refuse);
    });

    socket.on("disconnect", (reason) => {
      deps.log.info("client.disconnected", { socket: socket.id, reason });
      deps.store.set(socketClosed(deps.store.get(), socket.id, now()));
    });
  });

  function onHello(socket: Socket, payload: unknown, refuse: (error: ErrorMessage) => void): void {
    const version = protocolVersionOf(payload);
    if (version !== undefined && version !== PROTOCOL_VERSION) {
      refuse({
        code: "protocol-version",
        reason: `coordinator speaks protocol ${String(PROTOCOL_VERSION)}, this client ${JSON.stringify(version)}; reload the page`,
        inReplyTo: "hello",
      });
      return;
    }
    const parsed = parseMessage(Hello, payload);
    if (!parsed.ok) {
      refuse({ ...parsed.error, inReplyTo: "hello" });
      return;
    }
    const admission = admit(deps.store.get(), {
      socketId: socket.id,
      hello: parsed.value,
      now: now(),
      fresh: { clientId: `c-${randomBytes(6).toString("hex")}`, resumeToken: newToken(32) },
    });
    if (admission.replacedSocketId !== null) {
      const stale = nsp.sockets.get(admission.replacedSocketId);
      stale?.emit("error", {
        code: "replaced",
        reason: "this identity reconnected from another connection",
      } satisfies ErrorMessage);
      stale?.disconnect(true);
    }
    deps.store.set(admission.registry);
    const { clientId, resumeToken } = admission.client;
    deps.log.info("client.joined", {
      socket: socket.id,
      clientId,
      resumed: admission.resumed,
      backend: parsed.value.backend,
    });
    socket.emit("welcome", {
      protocolVersion: PROTOCOL_VERSION,
      clientId,
      resumeToken,
      resumed: admission.resumed,
    } satisfies Welcome);
  }
}

function protocolVersionOf(payload: unknown): unknown {
  return typeof payload === "object" && payload !== null && "protocolVersion" in payload
    ? payload.protocolVersion
    : undefined;
}
