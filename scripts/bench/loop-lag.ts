// Preloaded into the coordinator child by `npm run bench -- round` (node --import): one event-loop lag sample of
// its main thread every 10 ms with its time, appended to $AIRLORA_BENCH_LAG_FILE as "epochMs lagMs" lines. /api/metrics keeps one
// histogram since start, which has no per-round p99; raw samples can be cut at the round log's timestamps. Plain
// JavaScript in a data: URL, because the preload runs before tsx is registered.
const SOURCE = `
import { appendFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";
const file = process.env.AIRLORA_BENCH_LAG_FILE;
// Worker threads inherit --import: the evaluation worker's loop is busy by design and is not the one sockets wait on.
if (file && isMainThread) {
  const INTERVAL_MS = 10;
  let lines = [];
  let last = performance.now();
  const flush = () => {
    if (lines.length > 0) appendFileSync(file, lines.join(""));
    lines = [];
  };
  // Lag: how much later than its interval the timer ran, the time the loop was busy with something else.
  const tick = setInterval(() => {
    const now = performance.now();
    lines.push(Date.now() + " " + Math.max(0, now - last - INTERVAL_MS).toFixed(2) + "\\n");
    last = now;
    if (lines.length >= 100) flush();
  }, INTERVAL_MS);
  tick.unref();
  process.on("exit", flush);
}
`;

/** The `--import` argument that loads the sampler. */
export const LOOP_LAG_IMPORT = `data:text/javascript,${encodeURIComponent(SOURCE)}`;

export function readLoopLags(text: string): { at: number; lagMs: number }[] {
  return text
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(" ").map(Number))
    .map(([at, lagMs]) => ({ at: at ?? 0, lagMs: lagMs ?? 0 }));
}
