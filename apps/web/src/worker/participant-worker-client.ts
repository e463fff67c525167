// The page's handle on its participant worker: requests go in, Results come out, nothing throws.
import { fail, ok, type BackendName, type Result } from "@airlora/core";
import type { ProbeReport } from "@airlora/model";
import type { WorkerReply, WorkerRequest } from "./messages";

/** WebGPU compiles its shaders on first use: 5-14 s on a software GPU, so the probe gets a generous limit. */
const PROBE_TIMEOUT_MS = 120_000;

export interface ParticipantWorker {
  probe(prefer?: BackendName): Promise<Result<ProbeReport>>;
}

export function startParticipantWorker(): ParticipantWorker {
  const worker = new Worker(new URL("./participant-worker.ts", import.meta.url), { type: "module" });
  return {
    probe: (prefer) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          resolve(
            fail({ code: "probe-timeout", reason: `no answer from the worker in ${String(PROBE_TIMEOUT_MS)} ms` }),
          );
        }, PROBE_TIMEOUT_MS);
        const finish = (result: Result<ProbeReport>): void => {
          clearTimeout(timer);
          worker.removeEventListener("message", onMessage);
          worker.removeEventListener("error", onError);
          resolve(result);
        };
        const onMessage = (event: MessageEvent<WorkerReply>): void => {
          const reply = event.data;
          finish(reply.type === "probed" ? ok(reply.report) : fail(reply.error));
        };
        const onError = (event: ErrorEvent): void => {
          finish(fail({ code: "worker-crashed", reason: event.message || "the worker failed to load" }));
        };
        worker.addEventListener("message", onMessage);
        worker.addEventListener("error", onError);
        const request: WorkerRequest = prefer === undefined ? { type: "probe" } : { type: "probe", prefer };
        worker.postMessage(request);
      }),
  };
}
