// A training thread of the simulator (compute-pool.ts): tfjs on wasm, one frozen base model per run shared by the
// participants this thread serves, each with its own shard. Requests run one at a time, in order, so a participant's
// load always precedes its training.
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { fail, type Result } from "@airlora/core";
import { createTfjsCompute, type LocalWork, type ParticipantCompute } from "@airlora/participant";
import type { ComputeReply, ComputeRequest } from "./compute-messages";
import { sharedModels } from "./shared-models";

const port = parentPort;
if (port === null) throw new Error("compute-thread.ts runs as a worker thread");
const backend = tf.setBackend("wasm");
const models = sharedModels();
const computes = new Map<number, ParticipantCompute>();
const modelBytes = new Map<string, { weights: Uint8Array; poolingCentre: Uint8Array }>();
const never = { aborted: false };

async function serve(request: ComputeRequest): Promise<ComputeReply | undefined> {
  if (!(await backend)) throw new Error("tfjs wasm does not initialise in a training thread");
  switch (request.type) {
    case "load": {
      if (request.model !== undefined) modelBytes.set(request.info.runId, request.model);
      const model = modelBytes.get(request.info.runId);
      const compute = computes.get(request.index) ?? createTfjsCompute(models);
      computes.set(request.index, compute);
      if (model !== undefined) compute.load(request.info, { ...model, shard: request.shard });
      return undefined;
    }
    case "dispose":
      computes.get(request.index)?.dispose();
      computes.delete(request.index);
      return undefined;
    case "fit-head":
    case "train": {
      const compute = computes.get(request.index);
      const result: Result<LocalWork> =
        compute === undefined
          ? fail({ code: "not-loaded", reason: `participant ${String(request.index)} has not loaded` })
          : request.type === "train"
            ? await compute.train(request.spec, request.global, request.settings, {
                steps: request.steps,
                seed: request.seed,
                freezeA: request.freezeA,
                deadlineAt: Infinity,
                now: () => Date.now(),
                signal: never,
              })
            : await compute.fitHead(request.spec, request.global, request.settings, {
                deadlineAt: Infinity,
                now: () => Date.now(),
                signal: never,
              });
      return result.ok
        ? { id: request.id, ok: true, value: result.value }
        : { id: request.id, ok: false, error: result.error };
    }
  }
}

let queue: Promise<void> = Promise.resolve();
port.on("message", (request: ComputeRequest) => {
  queue = queue.then(async () => {
    const reply = await serve(request);
    if (reply !== undefined) port.postMessage(reply);
  });
});
