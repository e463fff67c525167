// The dashboard's socket: joins /dashboard with the admin token and hands validated snapshots to the page.
import { io, type Socket } from "socket.io-client";
import {
  type ClientSummary,
  ClientsDelta,
  ClientsSnapshot,
  parseMessage,
  RoundHistory,
  RoundLogLine,
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
}

export function connectDashboard(options: DashboardConnectionOptions): Socket {
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
  socket.on("connect_error", (error: Error) => {
    options.onLink(
      socket.active ? { kind: "lost", reason: error.message } : { kind: "refused", reason: error.message },
    );
  });
  socket.on("disconnect", (reason) => {
    options.onLink({ kind: "lost", reason });
  });
  return socket;
}
