// The dashboard's socket: joins /dashboard with the admin token, hands validated snapshots to the page, and sends
// the admin's controls (answered in the acknowledgement).
import { io, type Socket } from "socket.io-client";
import {
  type ClientSummary,
  ClientsDelta,
  ClientsSnapshot,
  ControlAck,
  type ControlAction,
  JoinInfo,
  MemberStatuses,
  type MemberStatus,
  parseMessage,
  RefusalCounts,
  RoundHistory,
  RoundLogLine,
  RoundStarted,
  RunView,
} from "@airlora/protocol";

export type DashboardLink =
  | { readonly kind: "connecting" }
  | { readonly kind: "live" }
  | { readonly kind: "lost"; readonly reason: string }
  | { readonly kind: "refused"; readonly reason: string };

export interface DashboardConnectionOptions {
  readonly adminToken: string;
  readonly onLink: (link: DashboardLink) => void;
  /** The whole client list, after the snapshot on connect and after every delta. */
  readonly onClients: (clients: readonly ClientSummary[]) => void;
  readonly onRun: (run: RunView) => void;
  /** Every round logged so far, in order. */
  readonly onRounds: (lines: readonly RoundLogLine[]) => void;
  readonly onBadMessage: (reason: string) => void;
  readonly onJoin: (join: JoinInfo) => void;
  /** The round in flight: who is in it and each member's latest status. */
  readonly onLiveRound: (round: LiveRound) => void;
  /** Everything the coordinator refused so far, by code (sockets that never joined included). */
  readonly onRefusals: (refusals: RefusalCounts) => void;
}

export interface LiveRound {
  readonly started: RoundStarted;
  readonly statuses: ReadonlyMap<string, MemberStatus>;
}

export interface DashboardConnection {
  readonly socket: Socket;
  /** Asks the coordinator for start / pause / resume / stop; resolves with its answer (or a timeout refusal). */
  control(action: ControlAction): Promise<ControlAck>;
}

const CONTROL_TIMEOUT_MS = 10_000;

export function connectDashboard(options: DashboardConnectionOptions): DashboardConnection {
  const socket = io("/dashboard", { auth: { token: options.adminToken }, transports: ["websocket"] });
  options.onLink({ kind: "connecting" });
  socket.on("connect", () => {
    options.onLink({ kind: "live" });
  });
  // The coordinator sends the whole picture on connect, then only what changed.
  let clients = new Map<string, ClientSummary>();
  let rounds: RoundLogLine[] = [];
  const publishClients = (): void => {
    options.onClients([...clients.values()]);
  };
  socket.on("clients", (payload: unknown) => {
    const snapshot = parseMessage(ClientsSnapshot, payload);
    if (!snapshot.ok) {
      options.onBadMessage(snapshot.error.reason);
      return;
    }
    clients = new Map(snapshot.value.clients.map((c) => [c.clientId, c]));
    publishClients();
  });
  socket.on("clients-delta", (payload: unknown) => {
    const delta = parseMessage(ClientsDelta, payload);
    if (!delta.ok) {
      options.onBadMessage(delta.error.reason);
      return;
    }
    for (const client of delta.value.changed) clients.set(client.clientId, client);
    for (const id of delta.value.removed) clients.delete(id);
    publishClients();
  });
  socket.on("run", (payload: unknown) => {
    const run = parseMessage(RunView, payload);
    if (run.ok) options.onRun(run.value);
    else options.onBadMessage(run.error.reason);
  });
  socket.on("round-history", (payload: unknown) => {
    const history = parseMessage(RoundHistory, payload);
    if (!history.ok) {
      options.onBadMessage(history.error.reason);
      return;
    }
    rounds = history.value.lines;
    options.onRounds(rounds);
  });
  socket.on("round-log", (payload: unknown) => {
    const line = parseMessage(RoundLogLine, payload);
    if (!line.ok) {
      options.onBadMessage(line.error.reason);
      return;
    }
    rounds = [...rounds.filter((l) => l.round !== line.value.round), line.value];
    options.onRounds(rounds);
  });
  socket.on("refusals", (payload: unknown) => {
    const refusals = parseMessage(RefusalCounts, payload);
    if (refusals.ok) options.onRefusals(refusals.value);
    else options.onBadMessage(refusals.error.reason);
  });
  socket.on("join-info", (payload: unknown) => {
    const join = parseMessage(JoinInfo, payload);
    if (join.ok) options.onJoin(join.value);
    else options.onBadMessage(join.error.reason);
  });
  let live: LiveRound | undefined;
  socket.on("round-started", (payload: unknown) => {
    const started = parseMessage(RoundStarted, payload);
    if (!started.ok) {
      options.onBadMessage(started.error.reason);
      return;
    }
    live = { started: started.value, statuses: new Map(started.value.members.map((m) => [m.clientId, "assigned"])) };
    options.onLiveRound(live);
  });
  socket.on("member-statuses", (payload: unknown) => {
    const batch = parseMessage(MemberStatuses, payload);
    if (!batch.ok) {
      options.onBadMessage(batch.error.reason);
      return;
    }
    if (live?.started.round !== batch.value.round) return;
    const statuses = new Map(live.statuses);
    for (const change of batch.value.changes) statuses.set(change.clientId, change.status);
    live = { started: live.started, statuses };
    options.onLiveRound(live);
  });
  socket.on("connect_error", (error: Error) => {
    options.onLink(
      socket.active ? { kind: "lost", reason: error.message } : { kind: "refused", reason: error.message },
    );
  });
  socket.on("disconnect", (reason) => {
    options.onLink({ kind: "lost", reason });
  });
  return {
    socket,
    control: async (action) => {
      try {
        const reply: unknown = await socket.timeout(CONTROL_TIMEOUT_MS).emitWithAck("control", { action });
        const ack = parseMessage(ControlAck, reply);
        return ack.ok ? ack.value : { ok: false, code: "bad-message", reason: ack.error.reason };
      } catch {
        return { ok: false, code: "timeout", reason: "the coordinator did not answer" };
      }
    },
  };
}
