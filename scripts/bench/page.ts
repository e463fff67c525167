// `npm run bench -- page`: the bytes a phone downloads before it can train, as Chromium receives them (compressed,
// headers excluded) from a real coordinator: the page, its scripts, the tfjs wasm binary, then the model and shard.
// Goal: <= 1.5 MB of compressed JS + wasm. A second visit in the same browser shows what its caches save (the
// coordinator's own TCP byte count: Playwright cannot tell a cache hit of a worker's request from a download).
// Flags: --model tiny|nano (default tiny, the demo).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page, type Request } from "@playwright/test";
import { BASE_FLAGS, findChromium } from "../../e2e/chromium";
import { startCoordinatorChild } from "./round-coordinator";
import { machineLine, printTable } from "./table";

const root = new URL("../..", import.meta.url).pathname;
const model = process.argv.includes("--model") ? (process.argv[process.argv.indexOf("--model") + 1] ?? "tiny") : "tiny";
const JOIN = "bench-page-join-token";
const ADMIN = "bench-page-admin-token";
const GOAL_BYTES = 1.5 * 1024 * 1024;

type Kind = "page" | "js" | "wasm" | "css" | "model" | "shard" | "other";

function kindOf(url: string): Kind {
  const path = new URL(url).pathname;
  if (path.endsWith(".wasm")) return "wasm";
  if (path.endsWith(".js")) return "js";
  if (path.endsWith(".css")) return "css";
  if (path.startsWith("/api/run/model/")) return "model";
  if (path.startsWith("/api/run/shards/")) return "shard";
  if (path === "/" || path.endsWith(".html")) return "page";
  return "other";
}

/** What `page` and its worker received until it joined and went quiet. Playwright reports a dedicated worker's
 * script with a body size of 0, so a response from the network (not a cache: it has a server address) that reports 0
 * counts its Content-Length, which the coordinator sends for every static file (the compressed one when it sends it). */
async function visit(page: Page, url: string): Promise<Map<Kind, { bytes: number; files: number }>> {
  const totals = new Map<Kind, { bytes: number; files: number }>();
  const pending: Promise<void>[] = [];
  const measure = async (request: Request): Promise<void> => {
    const response = await request.response();
    if (response === null || (await response.serverAddr()) === null) return; // served from a cache
    const reported = (await request.sizes()).responseBodySize;
    const bytes = reported > 0 ? reported : Number((await response.headerValue("content-length")) ?? 0);
    const kind = kindOf(request.url());
    const entry = totals.get(kind) ?? { bytes: 0, files: 0 };
    totals.set(kind, { bytes: entry.bytes + bytes, files: entry.files + 1 });
  };
  const onFinished = (request: Request): void => {
    pending.push(measure(request));
  };
  page.context().on("requestfinished", onFinished);
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-state"][data-state="joined"]', { timeout: 120_000 });
  await page.waitForLoadState("networkidle");
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the worker's wasm and the downloads after joining
  page.context().off("requestfinished", onFinished);
  await Promise.all(pending);
  return totals;
}

const out = mkdtempSync(join(tmpdir(), "airlora-bench-page-"));
const coordinator = await startCoordinatorChild(
  root,
  [],
  [
    ...["--model", model, "--rank", "4", "--host", "127.0.0.1", "--port", "0"],
    ...["--join-token", JOIN, "--admin-token", ADMIN, "--out", out],
  ],
  {},
);
const browser = await chromium.launch({ executablePath: findChromium(), args: BASE_FLAGS });
try {
  const context = await browser.newContext();
  const url = `${coordinator.origin}/?token=${JOIN}&backend=wasm`;
  /** Every byte the coordinator wrote on its TCP connections (headers, sockets and TLS included). */
  const sent = async (): Promise<number> => {
    const response = await fetch(`${coordinator.origin}/api/metrics`, {
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    return ((await response.json()) as { tcpBytesOut: number }).tcpBytesOut;
  };
  const t0 = await sent();
  const first = await visit(await context.newPage(), url);
  const t1 = await sent();
  await visit(await context.newPage(), url);
  const t2 = await sent();
  const kinds: Kind[] = ["page", "js", "css", "wasm", "model", "shard", "other"];
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  printTable(
    `Bytes a participant downloads on its first visit (${model}, Chromium, compressed as sent) — ${machineLine()}`,
    ["kind", "files", "bytes"],
    kinds.map((kind) => [kind, String(first.get(kind)?.files ?? 0), kib(first.get(kind)?.bytes ?? 0)]),
  );
  console.log(
    `\nThe coordinator's TCP bytes out (everything, headers and sockets included): ${kib(t1 - t0)} for the first visit, ${kib(t2 - t1)} for the second`,
  );
  const code = (m: typeof first) => (m.get("js")?.bytes ?? 0) + (m.get("wasm")?.bytes ?? 0);
  console.log(
    `JS + wasm: ${kib(code(first))} (goal <= ${kib(GOAL_BYTES)}: ${code(first) <= GOAL_BYTES ? "met" : "NOT met"})`,
  );
} finally {
  await browser.close();
  await coordinator.stop();
}
