// The HTTP API (DESIGN.md section 6). Today: GET /api/health; the admin endpoints land with the round machine.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Health } from "@airlora/protocol";

export interface ApiDeps {
  readonly health: () => Health;
}

/** Handles /api/* requests; answers false for any other path so the caller can serve pages. */
export function handleApi(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): boolean {
  const path = (req.url ?? "/").split("?")[0] ?? "/";
  if (!path.startsWith("/api/")) return false;
  if (path === "/api/health") {
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 405, { error: "method-not-allowed", reason: "use GET" });
      return true;
    }
    sendJson(res, 200, deps.health());
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
