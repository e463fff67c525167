// Starts one of the coordinator's worker threads from its TypeScript entry (see thread-bootstrap.mjs).
import { Worker } from "node:worker_threads";

export function startThread(entry: URL, data: object = {}): Worker {
  return new Worker(new URL("./thread-bootstrap.mjs", import.meta.url), { workerData: { ...data, entry: entry.href } });
}
