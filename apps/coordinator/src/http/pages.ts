// Serves the Vite-built pages, compressed and cacheable. Cross-origin isolation headers let the wasm backend use
// threads.
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
    // The build leaves .br and .gz copies beside each file (scripts/build/precompress.ts): sirv picks what the
    // browser accepts, with Vary: Accept-Encoding.
    brotli: true,
    gzip: true,
    setHeaders: (res, pathname) => {
      for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
      // Vite names assets by their content hash, so they never change under their name; pages must revalidate.
      res.setHeader(
        "Cache-Control",
        pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
      );
    },
  });
  return (req, res) => {
    serve(req, res, () => {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end("not found\n");
    });
  };
}
