// The HTTP API (docs/interfaces.md): GET /api/health for anyone; the admin endpoints take
// `Authorization: Bearer <admin token>`: /api/state (the run as the round machine sees it), /api/rounds (the round
// log so far) and /api/metrics (CPU, event-loop delay, bytes on the wire).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Health } from "@airlora/protocol";
import { bearerToken, tokenMatches } from "../auth/tokens";

export interface ApiDeps {
  readonly health: () => Health;
  readonly adminToken: string;
  /** Full run state as JSON-ready data; undefined while preparing. */
  readonly state: () => unknown;
  readonly rounds: () => readonly unknown[];
  readonly metrics: () => unknown;
}

/** Handles /api/* requests; answers false for any other path so the caller can serve pages. */
export function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): boolean {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (!path.startsWith("/api/")) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, { error: "method-not-allowed", reason: "use GET" });
    return true;
  }
  if (path === "/api/health") {
    sendJson(res, 200, deps.health());
    return true;
  }
  if (path === "/api/state" || path === "/api/rounds" || path === "/api/metrics") {
    if (!tokenMatches(bearerToken(req.headers.authorization), deps.adminToken)) {
      sendJson(res, 401, { error: "bad-token", reason: "admin endpoints need Authorization: Bearer <admin token>" });
      return true;
    }
    const body =
      path === "/api/state" ? deps.state() : path === "/api/rounds" ? { rounds: deps.rounds() } : deps.metrics();
    sendJson(res, 200, body);
    return true;
  }
  sendJson(res, 404, { error: "not-found", reason: `no API endpoint ${path}` });
  return true;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}
