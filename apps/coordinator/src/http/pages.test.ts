// The pages as a browser gets them: the precompressed copy it accepts, hashed assets cacheable for good, pages
// revalidated, and the isolation headers that let tfjs's wasm use threads.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPageHandler } from "./pages";

let server: Server;
let origin = "";
const script = "export const x = 1;\n".repeat(200);

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "airlora-pages-"));
  mkdirSync(join(root, "assets"));
  writeFileSync(join(root, "index.html"), "<!doctype html><title>join</title>");
  writeFileSync(join(root, "assets", "join-abc123.js"), script);
  writeFileSync(join(root, "assets", "join-abc123.js.br"), brotliCompressSync(script));
  writeFileSync(join(root, "assets", "join-abc123.js.gz"), gzipSync(script));
  server = createServer(createPageHandler(root));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});

afterAll(() => {
  server.close();
});

describe("pages", () => {
  it("sends the brotli copy of a script to a browser that accepts it, the plain one otherwise", async () => {
    const br = await fetch(`${origin}/assets/join-abc123.js`, { headers: { "accept-encoding": "br, gzip" } });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(Number(br.headers.get("content-length"))).toBeLessThan(script.length / 10);
    expect(await br.text()).toBe(script);
    const plain = await fetch(`${origin}/assets/join-abc123.js`, { headers: { "accept-encoding": "identity" } });
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
  });

  it("lets hashed assets be cached for good and makes pages revalidate", async () => {
    const asset = await fetch(`${origin}/assets/join-abc123.js`);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const page = await fetch(`${origin}/`);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
  });
});
