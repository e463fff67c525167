// The HTTP API (docs/interfaces.md): GET /api/health for anyone; the admin endpoints take
// `Authorization: Bearer <admin token>`: /api/state (the run as the round machine sees it), /api/rounds (the round
// log so far), /api/metrics (CPU, event-loop delay, bytes on the wire) and /api/export/adapter.safetensors (a round's
// adapter, the same file `airlora export` writes).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Result } from "@airlora/core";
import type { Health } from "@airlora/protocol";
import { bearerToken } from "../auth/tokens";
import type { AccessGuard } from "../security/access-guard";
import { admitRequest } from "../security/token-gate";

export interface ApiDeps {
  readonly guard: AccessGuard;
  readonly health: () => Health;
  readonly adminToken: string;
  /** Full run state as JSON-ready data; undefined while preparing. */
  readonly state: () => unknown;
  readonly rounds: () => readonly unknown[];
  readonly metrics: () => unknown;
  /** adapter.safetensors of `round`'s checkpoint (the last one if undefined), or why there is none. */
  readonly exportAdapter: (round: number | undefined) => Result<{ round: number; fileName: string; bytes: Uint8Array }>;
}

const EXPORT_PATH = "/api/export/adapter.safetensors";

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
  if (path === "/api/state" || path === "/api/rounds" || path === "/api/metrics" || path === EXPORT_PATH) {
    const token = bearerToken(req.headers.authorization);
    const need = "admin endpoints need Authorization: Bearer <admin token>";
    if (!admitRequest(req, res, deps.guard, token, deps.adminToken, need)) return true;
    if (path === EXPORT_PATH) {
      sendExport(req, res, deps);
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

/** ?round=N picks the round; without it the last checkpoint. */
function sendExport(req: IncomingMessage, res: ServerResponse, deps: ApiDeps): void {
  const query = new URLSearchParams((req.url ?? "").split("?")[1] ?? "");
  const text = query.get("round");
  const round = text === null ? undefined : Number(text);
  if (round !== undefined && (!/^\d{1,9}$/u.test(text ?? "") || !Number.isSafeInteger(round))) {
    sendJson(res, 400, { error: "bad-round", reason: "round must be a non-negative integer" });
    return;
  }
  const exported = deps.exportAdapter(round);
  if (!exported.ok) {
    const missing = exported.error.code === "no-checkpoint" || exported.error.code === "not-a-run";
    sendJson(res, missing ? 404 : 500, { error: exported.error.code, reason: exported.error.reason });
    return;
  }
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-length": String(exported.value.bytes.length),
    "content-disposition": `attachment; filename="${exported.value.fileName}"`,
    "x-airlora-round": String(exported.value.round),
    "cache-control": "no-store",
  });
  res.end(exported.value.bytes);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}
