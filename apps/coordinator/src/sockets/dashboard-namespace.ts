// The /dashboard namespace: observers holding the admin token get a snapshot of the clients on connect and after
// every change. Observers send nothing yet; anything they send is refused like on /client.
import type { Namespace } from "socket.io";
import type { ClientsSnapshot, ErrorMessage } from "@airlora/protocol";
import { handshakeToken, tokenMatches } from "../auth/tokens";
import type { ClientStore } from "../clients/client-store";
import { summaries } from "../clients/registry";
import type { Logger } from "../log";

export interface DashboardNamespaceDeps {
  readonly adminToken: string;
  readonly store: ClientStore;
  readonly log: Logger;
}

export function attachDashboardNamespace(nsp: Namespace, deps: DashboardNamespaceDeps): void {
  nsp.use((socket, next) => {
    const token = handshakeToken(socket.handshake.auth);
    if (tokenMatches(token, deps.adminToken)) {
      next();
      return;
    }
    deps.log.warn("dashboard.rejected", { address: socket.handshake.address });
    next(new Error("bad-token: the admin token is missing or wrong; use the dashboard URL the coordinator printed"));
  });

  const snapshot = (): ClientsSnapshot => ({ clients: summaries(deps.store.get()) });

  nsp.on("connection", (socket) => {
    socket.emit("clients", snapshot());
    socket.onAny((event: unknown) => {
      const name = typeof event === "string" ? event.slice(0, 100) : "(not a string)";
      socket.emit("error", {
        code: "unknown-message",
        reason: `no message named "${name}" on /dashboard`,
        inReplyTo: name,
      } satisfies ErrorMessage);
    });
  });

  deps.store.onChange(() => {
    nsp.emit("clients", snapshot());
  });
}
