// The /client namespace (docs/protocol.md): participants join with the join token, say hello once per socket, get
// an identity and the run's session info, probe their uplink, and then take part in rounds: acknowledged upload
// chunks, a report, progress. Every message is validated here; a bad one gets an `error` reply (or a refused ack)
// and is counted, and nothing a client sends can throw or reach the round machine unchecked.
import { createHash, randomBytes } from "node:crypto";
import type { Namespace, Socket } from "socket.io";
import type { Result } from "@airlora/core";
import {
  BinaryChunk,
  ErrorCode,
  Hello,
  PROTOCOL_VERSION,
  Progress,
  Ready,
  RoundReport,
  UploadChunkMeta,
  Visibility,
  parseMessage,
  type ChunkAck,
  type ErrorMessage,
  type SessionInfo,
  type Welcome,
} from "@airlora/protocol";
import type { RunEvent } from "@airlora/rounds";
import { newToken } from "../auth/tokens";
import type { AccessGuard } from "../security/access-guard";
import type { RefusalCounter } from "../security/refusal-counter";
import { socketTokenGate } from "../security/token-gate";
import type { ClientStore } from "../clients/client-store";
import {
  admit,
  clientOfSocket,
  expireAway,
  hasRoomFor,
  invalidMessageFrom,
  socketClosed,
  visibilityOf,
  type ClientRecord,
} from "../clients/registry";
import type { Logger } from "../log";
import { cutOffIfTooMany } from "./cut-off";
import { acceptChunk, isComplete, type UploadInProgress } from "../uploads/upload-assembler";

export { MAX_INVALID_MESSAGES } from "./cut-off";

/** What the namespace needs of the run once it is prepared. */
export interface RunHooks {
  sessionFor(client: ClientRecord): SessionInfo;
  readonly probeBytes: number;
  readonly chunkBytes: number;
  /** The largest update upload `clientId` may make for `round` right now, or why it may not (a member uploading for
   * another round is rejected from the open one). */
  admitUpload(clientId: string, round: number): Result<number>;
  dispatch(event: RunEvent): void;
}

export interface ClientNamespaceDeps {
  readonly guard: AccessGuard;
  /** The run-wide tally: every refusal here is counted, whether or not the socket ever joined. */
  readonly refusals: RefusalCounter;
  readonly joinToken: string;
  readonly store: ClientStore;
  readonly log: Logger;
  readonly maxClients: number;
  /** Away identities are forgotten after this long (socket.io's connection-state recovery window). */
  readonly recoveryWindowMs: number;
  /** undefined while the run is still being prepared. */
  readonly run: () => RunHooks | undefined;
  readonly now?: () => number;
}

export interface ClientNamespace {
  /** Sends the session info to every joined socket (when the run becomes ready after they joined). */
  announceSession(): void;
  send(clientId: string, event: string, payload: unknown): void;
  broadcast(event: string, payload: unknown): void;
}

interface SocketData {
  invalidMessages: number;
  clientId?: string;
  probe?: { readonly bytes: number; readonly spanMs: number };
  uploads: Map<UploadChunkMeta["purpose"], UploadInProgress>;
  /** Finished update uploads waiting for their `submit`, by round. */
  finished: Map<number, Uint8Array>;
}

type Ack = (reply: ChunkAck) => void;

/** Why a message was refused: an ErrorCode, or for a chunk a code of the upload checks (`over-budget`, ...). */
interface Refusal {
  readonly code: string;
  readonly reason: string;
}

export function attachClientNamespace(nsp: Namespace, deps: ClientNamespaceDeps): ClientNamespace {
  const now = deps.now ?? Date.now;
  const dataOf = (socket: Socket): SocketData => socket.data as SocketData;

  nsp.use(
    socketTokenGate(
      deps.guard,
      deps.joinToken,
      "bad-token: the join token is missing or wrong; open the join URL or scan the QR code again",
      (address, code) => {
        deps.refusals.count(code);
        deps.log.warn("client.rejected", { address, reason: code });
      },
    ),
  );

  nsp.on("connection", (socket: Socket) => {
    const data = dataOf(socket);
    // Protocol state starts afresh on every connection, a recovered one included: the participant says hello again
    // with its resume token on every connect.
    data.invalidMessages = 0;
    data.uploads = new Map();
    data.finished = new Map();
    delete data.clientId;
    delete data.probe;
    deps.log.info("client.connected", { socket: socket.id, address: socket.handshake.address });
    // A refused message is answered in its acknowledgement when it has one (a chunk), else with an `error`; either
    // way it counts against the socket, its client if it has one, and the run.
    const refuse = (error: Refusal & { inReplyTo?: string }, ack?: Ack): void => {
      data.invalidMessages += 1;
      deps.refusals.count(error.code);
      if (data.clientId !== undefined) deps.store.set(invalidMessageFrom(deps.store.get(), data.clientId));
      deps.log.warn("client.invalid-message", { socket: socket.id, code: error.code, reason: error.reason });
      if (ack !== undefined) ack({ ok: false, code: error.code, reason: error.reason });
      else {
        // Codes outside ErrorCode only come from chunk checks, which always have an acknowledgement.
        const code = ErrorCode.safeParse(error.code);
        socket.emit("error", { ...error, code: code.success ? code.data : "bad-message" } satisfies ErrorMessage);
      }
      cutOffIfTooMany(socket, data.invalidMessages, deps);
    };
    socket.onAny((event: unknown, ...args: unknown[]) => {
      // Packets already read when the socket was cut off still arrive here: they are not answered or counted.
      if (!socket.connected) return;
      const name = typeof event === "string" ? event.slice(0, 100) : "(not a string)";
      const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
      // A chunk's refusal goes into its acknowledgement, whatever is wrong with it.
      const last = args.at(-1);
      const ack = name === "upload-chunk" && typeof last === "function" ? (last as Ack) : undefined;
      if (handler === undefined) {
        refuse({ code: "unknown-message", reason: `no message named "${name}" on /client`, inReplyTo: name });
        return;
      }
      if (name !== "hello" && data.clientId === undefined) {
        refuse({ code: "not-joined", reason: `"${name}" before a welcomed hello`, inReplyTo: name }, ack);
        return;
      }
      handler(socket, args, (error) => {
        refuse({ ...error, inReplyTo: name }, ack);
      });
    });
    socket.on("error", (error: unknown) => {
      // socket.io's own parser refused a packet (the connection is closing); a client's "error" event is no Error.
      if (error instanceof Error) deps.refusals.count("bad-packet");
    });
    socket.on("disconnect", (reason) => {
      deps.log.info("client.disconnected", { socket: socket.id, clientId: data.clientId, reason });
      const client = clientOfSocket(deps.store.get(), socket.id);
      deps.store.set(socketClosed(deps.store.get(), socket.id, now()));
      if (client !== undefined)
        deps.run()?.dispatch({ type: "participant-left", clientId: client.clientId, now: now() });
    });
  });

  type Refuse = (error: Refusal) => void;
  const handlers: Record<string, (socket: Socket, args: unknown[], refuse: Refuse) => void> = {
    hello: onHello,
    ready: onReady,
    "upload-chunk": onChunk,
    submit: onSubmit,
    progress: onProgress,
    visibility: onVisibility,
  };

  function onHello(socket: Socket, args: unknown[], refuse: Refuse): void {
    const data = dataOf(socket);
    if (data.clientId !== undefined) {
      refuse({ code: "already-joined", reason: `this connection already speaks for ${data.clientId}` });
      return;
    }
    const payload = args[0];
    const version = protocolVersionOf(payload);
    if (version !== undefined && version !== PROTOCOL_VERSION) {
      refuse({
        code: "protocol-version",
        reason: `coordinator speaks protocol ${String(PROTOCOL_VERSION)}, this client ${JSON.stringify(version)}; reload the page`,
      });
      return;
    }
    const parsed = parseMessage(Hello, payload);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    const expired = expireAway(deps.store.get(), now(), deps.recoveryWindowMs);
    deps.store.set(expired.registry);
    const presented = parsed.value.resumeToken;
    const resumeTokenHash = presented === undefined ? undefined : sha256Hex(presented);
    if (!hasRoomFor(expired.registry, resumeTokenHash, deps.maxClients)) {
      refuse({ code: "full", reason: `the coordinator already holds ${deps.maxClients} clients` });
      socket.disconnect(true);
      return;
    }
    const admission = admit(expired.registry, {
      socketId: socket.id,
      hello: parsed.value,
      resumeTokenHash,
      now: now(),
      fresh: freshIdentity(),
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
    const { clientId } = admission.client;
    const { resumeToken } = admission;
    data.clientId = clientId;
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
    const run = deps.run();
    if (run !== undefined) socket.emit("session", run.sessionFor(admission.client));
  }

  function onReady(socket: Socket, args: unknown[], refuse: Refuse): void {
    const data = dataOf(socket);
    const run = deps.run();
    const parsed = parseMessage(Ready, args[0]);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    const client = data.clientId === undefined ? undefined : deps.store.get().clients.get(data.clientId);
    if (run === undefined || client === undefined) {
      refuse({ code: "out-of-order", reason: "no run to be ready for yet" });
      return;
    }
    const probe = data.probe;
    if (probe === undefined) {
      refuse({ code: "out-of-order", reason: "ready before the uplink probe finished uploading" });
      return;
    }
    delete data.probe;
    // The client's own timing, but never faster than the span the coordinator saw the chunks arrive over.
    const uploadMs = Math.max(parsed.value.probeUploadMs, probe.spanMs, 1);
    const session = run.sessionFor(client);
    run.dispatch({
      type: "participant-ready",
      clientId: client.clientId,
      dataWeight: session.shard.rows,
      probeUplinkBps: (8 * probe.bytes * 1000) / uploadMs,
      backend: parsed.value.backend,
      ...(client.hidden === undefined ? {} : { hidden: client.hidden }),
      now: now(),
    });
  }

  function onChunk(socket: Socket, args: unknown[], refuse: Refuse): void {
    const data = dataOf(socket);
    const ack = args[2];
    if (typeof ack !== "function") {
      refuse({ code: "bad-message", reason: "upload-chunk needs an acknowledgement callback" });
      return;
    }
    const meta = parseMessage(UploadChunkMeta, args[0]);
    const bytes = parseMessage(BinaryChunk, args[1]);
    const run = deps.run();
    const clientId = data.clientId;
    if (!meta.ok || !bytes.ok || run === undefined || clientId === undefined) {
      const reason = !meta.ok ? meta.error.reason : !bytes.ok ? "the chunk is not binary" : "no run yet";
      refuse({ code: "bad-message", reason });
      return;
    }
    const chunk = bytes.value instanceof ArrayBuffer ? new Uint8Array(bytes.value) : bytes.value;
    const { purpose, round } = meta.value;
    let maxTotalBytes = run.probeBytes;
    if (purpose === "update") {
      const limit = run.admitUpload(clientId, round);
      if (!limit.ok) {
        refuse(limit.error);
        return;
      }
      maxTotalBytes = limit.value;
    } else if (meta.value.totalBytes !== run.probeBytes) {
      data.uploads.delete(purpose);
      refuse({ code: "bad-chunk", reason: `the probe is ${run.probeBytes} bytes` });
      return;
    }
    const accepted = acceptChunk(
      data.uploads.get(purpose),
      meta.value,
      chunk,
      { chunkBytes: run.chunkBytes, maxTotalBytes },
      now(),
    );
    if (!accepted.ok) {
      data.uploads.delete(purpose);
      refuse(accepted.error);
      if (purpose === "update")
        run.dispatch({
          type: "upload-refused",
          clientId,
          round,
          reason: `${accepted.error.code}: ${accepted.error.reason}`,
          now: now(),
        });
      return;
    }
    const upload = accepted.value;
    if (isComplete(upload)) {
      data.uploads.delete(purpose);
      if (purpose === "probe")
        data.probe = { bytes: upload.totalBytes, spanMs: upload.lastChunkAt - upload.firstChunkAt };
      else data.finished.set(round, upload.buffer);
    } else {
      data.uploads.set(purpose, upload);
    }
    (ack as Ack)({ ok: true, receivedBytes: upload.received });
  }

  function onSubmit(socket: Socket, args: unknown[], refuse: Refuse): void {
    const data = dataOf(socket);
    const run = deps.run();
    const parsed = parseMessage(RoundReport, args[0]);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    const clientId = data.clientId;
    if (run === undefined || clientId === undefined) {
      refuse({ code: "out-of-order", reason: "no run yet" });
      return;
    }
    const report = parsed.value;
    const payload = data.finished.get(report.round);
    data.finished.delete(report.round);
    if (payload === undefined) {
      run.dispatch({
        type: "upload-refused",
        clientId,
        round: report.round,
        reason: "submitted without a finished upload for that round",
        now: now(),
      });
      refuse({ code: "out-of-order", reason: `submit for round ${report.round} without a finished upload` });
      return;
    }
    run.dispatch({ type: "submission", clientId, payload, report, now: now() });
  }

  function onProgress(socket: Socket, args: unknown[], refuse: Refuse): void {
    const data = dataOf(socket);
    const parsed = parseMessage(Progress, args[0]);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    const clientId = data.clientId;
    if (clientId !== undefined)
      deps.run()?.dispatch({ type: "progress", clientId, progress: parsed.value, now: now() });
  }

  function onVisibility(socket: Socket, args: unknown[], refuse: Refuse): void {
    const clientId = dataOf(socket).clientId;
    const parsed = parseMessage(Visibility, args[0]);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    if (clientId === undefined) return;
    const { hidden } = parsed.value;
    deps.store.set(visibilityOf(deps.store.get(), clientId, hidden, now()));
    deps.log.info("client.visibility", { clientId, hidden });
    deps.run()?.dispatch({ type: "visibility", clientId, hidden, now: now() });
  }

  const socketOf = (clientId: string): Socket | undefined => {
    const socketId = deps.store.get().clients.get(clientId)?.socketId;
    return socketId === undefined || socketId === null ? undefined : nsp.sockets.get(socketId);
  };

  return {
    announceSession: () => {
      const run = deps.run();
      if (run === undefined) return;
      for (const client of deps.store.get().clients.values()) {
        if (client.socketId !== null) nsp.sockets.get(client.socketId)?.emit("session", run.sessionFor(client));
      }
    },
    send: (clientId, event, payload) => {
      socketOf(clientId)?.emit(event, payload);
    },
    broadcast: (event, payload) => {
      for (const client of deps.store.get().clients.values()) {
        if (client.socketId !== null) nsp.sockets.get(client.socketId)?.emit(event, payload);
      }
    },
  };
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function freshIdentity(): { clientId: string; resumeToken: string; resumeTokenHash: string } {
  const resumeToken = newToken(32);
  return { clientId: `c-${randomBytes(6).toString("hex")}`, resumeToken, resumeTokenHash: sha256Hex(resumeToken) };
}

function protocolVersionOf(payload: unknown): unknown {
  return typeof payload === "object" && payload !== null && "protocolVersion" in payload
    ? payload.protocolVersion
    : undefined;
}
