// What participants download over HTTP (docs/interfaces.md): the base model's files and their shard (content-
// addressed paths, cacheable for good) and each round's global adapter. All of it takes the join token
// (`Authorization: Bearer` or `?token=`). A participant names itself in `X-AirLoRA-Client`, so the bytes served to
// it are counted in its round log entry.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ClientId } from "@airlora/protocol";
import { bearerToken } from "../auth/tokens";
import type { AccessGuard } from "../security/access-guard";
import { admitRequest } from "../security/token-gate";
import type { RunEngine } from "../run/engine";
import { findResource } from "../run/run-files";
import { sendJson } from "./api";
import { encodedBody } from "./content-encoding";

export interface RunResourceDeps {
  readonly guard: AccessGuard;
  readonly joinToken: string;
  readonly engine: () => RunEngine | undefined;
}

/** Serves /api/run/*; answers false for any other path. */
export function handleRunResource(req: IncomingMessage, res: ServerResponse, deps: RunResourceDeps): boolean {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/api/run/")) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    sendJson(res, 405, { error: "method-not-allowed", reason: "use GET" });
    return true;
  }
  const token = bearerToken(req.headers.authorization) ?? url.searchParams.get("token") ?? undefined;
  if (!admitRequest(req, res, deps.guard, token, deps.joinToken, "this resource needs the join token")) return true;
  const engine = deps.engine();
  if (engine === undefined) {
    sendJson(res, 503, { error: "preparing", reason: "the run is still being prepared" });
    return true;
  }
  const found = findResource(engine, url.pathname);
  if (found === undefined) {
    sendJson(res, 404, { error: "not-found", reason: `no run resource ${url.pathname}` });
    return true;
  }
  const { resource, immutable } = found;
  const { body, encoding, etag } = encodedBody(req, resource);
  const headers = {
    "content-type": "application/octet-stream",
    etag,
    vary: "Accept-Encoding",
    "cache-control": immutable ? "private, max-age=31536000, immutable" : "private, no-cache",
    ...(encoding === "identity" ? {} : { "content-encoding": encoding }),
  };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    res.end();
    return true;
  }
  res.writeHead(200, { ...headers, "content-length": String(body.length) });
  res.end(req.method === "HEAD" ? undefined : body);
  const client = ClientId.safeParse(req.headers["x-airlora-client"]);
  if (client.success && req.method === "GET" && engine.state().participants.has(client.data)) {
    // What crossed the wire: the compressed body when one was sent.
    engine.dispatch({ type: "downloaded", clientId: client.data, bytes: body.length, now: Date.now() });
  }
  return true;
}
