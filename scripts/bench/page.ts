// `npm run bench -- page`: the bytes a phone downloads before it can train, as Chromium receives them (compressed,
// headers excluded) from a real coordinator: the page, its scripts, the tfjs wasm binary, then the model and shard.
// Goal: <= 1.5 MB of compressed JS + wasm. A second visit in the same browser shows what its caches save.
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
const GOAL_BYTES = 1.5 * 1024 * 1024;

type Kind = "page" | "js" | "wasm" | "css" | "model" | "shard" | "other";

function kindOf(request: Request): Kind {
  const path = new URL(request.url()).pathname;
  if (path.endsWith(".wasm")) return "wasm";
  if (path.endsWith(".js")) return "js";
  if (path.endsWith(".css")) return "css";
  if (path.startsWith("/api/run/model/")) return "model";
  if (path.startsWith("/api/run/shards/")) return "shard";
  if (path === "/" || path.endsWith(".html")) return "page";
  return "other";
}

async function visit(page: Page, url: string): Promise<Map<Kind, { bytes: number; files: number }>> {
  const totals = new Map<Kind, { bytes: number; files: number }>();
  const pending: Promise<void>[] = [];
  const onFinished = (request: Request): void => {
    pending.push(
      request.sizes().then((sizes) => {
        const kind = kindOf(request);
        const entry = totals.get(kind) ?? { bytes: 0, files: 0 };
        // responseBodySize is what came over the wire (compressed); 0 for a cache hit.
        totals.set(kind, { bytes: entry.bytes + sizes.responseBodySize, files: entry.files + 1 });
      }),
    );
  };
  page.on("requestfinished", onFinished);
  await page.goto(url);
  await page.waitForSelector('[data-testid="connection-state"][data-state="joined"]', { timeout: 120_000 });
  await page.waitForLoadState("networkidle");
  await new Promise((resolve) => setTimeout(resolve, 3000)); // the worker's wasm and the downloads after joining
  page.off("requestfinished", onFinished);
  await Promise.all(pending);
  return totals;
}

const out = mkdtempSync(join(tmpdir(), "airlora-bench-page-"));
const coordinator = await startCoordinatorChild(
  root,
  [],
  ["--model", model, "--rank", "4", "--host", "127.0.0.1", "--port", "0", "--join-token", JOIN, "--out", out],
  {},
);
const browser = await chromium.launch({ executablePath: findChromium(), args: BASE_FLAGS });
try {
  const context = await browser.newContext();
  const url = `${coordinator.origin}/?token=${JOIN}&backend=wasm`;
  const first = await visit(await context.newPage(), url);
  const again = await visit(await context.newPage(), url);
  const kinds: Kind[] = ["page", "js", "css", "wasm", "model", "shard", "other"];
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  printTable(
    `Bytes a participant downloads (${model}, Chromium, compressed as sent) — ${machineLine()}`,
    ["kind", "files", "first visit", "second visit"],
    kinds.map((kind) => [
      kind,
      String(first.get(kind)?.files ?? 0),
      kib(first.get(kind)?.bytes ?? 0),
      kib(again.get(kind)?.bytes ?? 0),
    ]),
  );
  const code = (m: typeof first) => (m.get("js")?.bytes ?? 0) + (m.get("wasm")?.bytes ?? 0);
  console.log(
    `\nJS + wasm: ${kib(code(first))} on the first visit (goal <= ${kib(GOAL_BYTES)}: ${code(first) <= GOAL_BYTES ? "met" : "NOT met"}), ${kib(code(again))} on the second`,
  );
} finally {
  await browser.close();
  await coordinator.stop();
}
