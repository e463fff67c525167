// Serves the Vite-built pages. Cross-origin isolation headers let the wasm backend use threads.
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import sirv from "sirv";
import { ISOLATION_HEADERS } from "./isolation-headers";

export type PageHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function pagesBuilt(webRoot: string): boolean {
  return existsSync(join(webRoot, "index.html"));
}

export function createPageHandler(webRoot: string): PageHandler {
  if (!pagesBuilt(webRoot)) {
    return (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
      res.end(`The pages are not built (no ${webRoot}/index.html). Run "npm run build" or "npm start".\n`);
    };
  }
  const serve = sirv(webRoot, {
    extensions: ["html"],
    etag: true,
    setHeaders: (res) => {
      for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
    },
  });
  return (req, res) => {
    serve(req, res, () => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found\n");
    });
  };
}
