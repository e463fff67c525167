// The page's handle on its participant worker: requests go in, validated replies come out, nothing throws. A reply
// that does not parse, or a worker that fails to load, arrives as a `failed` reply like any other.
import { parseMessage } from "@airlora/protocol";
import { WorkerReply, type WorkerRequest } from "./messages";

export interface ParticipantWorker {
  send(request: WorkerRequest): void;
}

export function startParticipantWorker(onReply: (reply: WorkerReply) => void): ParticipantWorker {
  const worker = new Worker(new URL("./participant-worker.ts", import.meta.url), { type: "module" });
  worker.addEventListener("message", (event: MessageEvent<unknown>) => {
    const reply = parseMessage(WorkerReply, event.data);
    onReply(reply.ok ? reply.value : { type: "failed", code: "bad-worker-reply", reason: reply.error.reason });
  });
  worker.addEventListener("error", (event: ErrorEvent) => {
    onReply({ type: "failed", code: "worker-crashed", reason: event.message || "the worker failed to load" });
  });
  return {
    send: (request) => {
      worker.postMessage(request);
    },
  };
}
