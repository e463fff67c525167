// The dashboard's socket: joins /dashboard with the admin token and hands validated snapshots to the page.
import { io, type Socket } from "socket.io-client";
import { type ClientsSnapshot, ClientsSnapshot as ClientsSnapshotSchema, parseMessage } from "@airlora/protocol";

export type DashboardLink =
  | { readonly kind: "connecting" }
  | { readonly kind: "live" }
  | { readonly kind: "lost"; readonly reason: string }
  | { readonly kind: "refused"; readonly reason: string };

export interface DashboardConnectionOptions {
  readonly adminToken: string;
  readonly onLink: (link: DashboardLink) => void;
  readonly onClients: (snapshot: ClientsSnapshot) => void;
  readonly onBadMessage: (reason: string) => void;
}

export function connectDashboard(options: DashboardConnectionOptions): Socket {
  const socket = io("/dashboard", { auth: { token: options.adminToken }, transports: ["websocket"] });
  options.onLink({ kind: "connecting" });
  socket.on("connect", () => {
    options.onLink({ kind: "live" });
  });
  socket.on("clients", (payload: unknown) => {
    const snapshot = parseMessage(ClientsSnapshotSchema, payload);
    if (snapshot.ok) options.onClients(snapshot.value);
    else options.onBadMessage(snapshot.error.reason);
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
