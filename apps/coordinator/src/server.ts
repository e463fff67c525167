// Wires the coordinator together: one HTTP server carrying the pages, the API and both socket.io namespaces.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as SocketServer } from "socket.io";
import type { Health } from "@airlora/protocol";
import { createClientStore, type ClientStore } from "./clients/client-store";
import { connectedCount } from "./clients/registry";
import type { CoordinatorConfig } from "./config";
import { handleApi } from "./http/api";
import { createPageHandler } from "./http/pages";
import type { Logger } from "./log";
import { attachClientNamespace } from "./sockets/client-namespace";
import { attachDashboardNamespace } from "./sockets/dashboard-namespace";
import { VERSION } from "./version";

export interface RunningCoordinator {
  readonly port: number;
  readonly store: ClientStore;
  close(): Promise<void>;
}

/** How long a dropped socket may come back with its state (socket.io connection state recovery). */
const RECOVERY_WINDOW_MS = 2 * 60_000;

export async function startCoordinator(config: CoordinatorConfig, log: Logger): Promise<RunningCoordinator> {
  const store = createClientStore();
  const health = (): Health => ({
    ok: true,
    version: VERSION,
    state: "idle",
    round: 0,
    clients: connectedCount(store.get()),
  });
  const pages = createPageHandler(config.webRoot);
  const http: HttpServer = createServer((req, res) => {
    if (!handleApi(req, res, { health })) pages(req, res);
  });
  const io = new SocketServer(http, {
    serveClient: false,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
  });
  attachClientNamespace(io.of("/client"), { joinToken: config.joinToken, store, log });
  attachDashboardNamespace(io.of("/dashboard"), { adminToken: config.adminToken, store, log });

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log.info("coordinator.listening", { host: config.host, port, version: VERSION });

  return {
    port,
    store,
    close: async () => {
      await io.close();
      http.closeAllConnections();
    },
  };
}
