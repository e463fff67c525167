// Training on every core (docs/simulator.md): the virtual participants' ParticipantComputes, each a proxy to one of a
// few training threads (participant n on thread n mod threads). What stays here is cheap and synchronous: the
// shard's row count for `load`, and the adapter spec for `specFor`, computed the way tfjs-compute.ts does.
import type { Worker } from "node:worker_threads";
import { startThread } from "@airlora/coordinator";
import { fail, ok, type Result } from "@airlora/core";
import { PRESETS, decodeShard, taskHead } from "@airlora/model";
import { specForShape, type LocalWork, type ParticipantCompute } from "@airlora/participant";
import type { ComputeReply, ComputeRequest } from "./compute-messages";

export interface ComputePool {
  computeFor(index: number): ParticipantCompute;
  close(): Promise<void>;
}

export function startComputePool(threads: number): ComputePool {
  const workers: Worker[] = Array.from({ length: Math.max(1, threads) }, () =>
    startThread(new URL("./compute-thread.ts", import.meta.url)),
  );
  const waiting = new Map<number, (reply: ComputeReply) => void>();
  /** Which thread has been sent which run's model. */
  const modelSent = workers.map(() => new Set<string>());
  let nextId = 1;
  let dead: string | undefined;
  for (const worker of workers) {
    worker.on("message", (reply: ComputeReply) => {
      const resolve = waiting.get(reply.id);
      waiting.delete(reply.id);
      resolve?.(reply);
    });
    worker.on("error", (error) => {
      dead ??= error.message;
      for (const resolve of waiting.values())
        resolve({ id: 0, ok: false, error: { code: "thread-died", reason: error.message } });
      waiting.clear();
    });
  }
  const ask = (worker: Worker, request: ComputeRequest & { readonly id: number }): Promise<Result<LocalWork>> => {
    if (dead !== undefined) return Promise.resolve(fail({ code: "thread-died", reason: dead }));
    return new Promise((resolve) => {
      waiting.set(request.id, (reply) => {
        resolve(reply.ok ? ok(reply.value) : fail(reply.error));
      });
      worker.postMessage(request);
    });
  };
  return {
    computeFor(index) {
      const slot = index % workers.length;
      const worker = workers[slot] ?? workers[0];
      if (worker === undefined) throw new Error("no training thread");
      let loaded: { readonly preset: keyof typeof PRESETS; readonly task: ReturnType<typeof taskHead> } | undefined;
      return {
        load(info, files) {
          const shard = decodeShard(files.shard);
          if (!shard.ok) return fail({ code: "bad-shard", reason: shard.error.reason });
          const sent = modelSent[slot];
          const first = sent !== undefined && !sent.has(info.runId);
          sent?.add(info.runId);
          worker.postMessage({
            type: "load",
            index,
            info,
            shard: files.shard,
            ...(first ? { model: { weights: files.weights, poolingCentre: files.poolingCentre } } : {}),
          } satisfies ComputeRequest);
          loaded = { preset: info.preset, task: taskHead(info.task) };
          return ok({ rows: shard.value.lengths.length });
        },
        specFor(shape) {
          if (loaded === undefined) return fail({ code: "not-loaded", reason: "model and shard are not loaded yet" });
          return specForShape(PRESETS[loaded.preset], loaded.task, shape);
        },
        fitHead(spec, global, settings) {
          const id = nextId++;
          return ask(worker, { type: "fit-head", id, index, spec, global, settings });
        },
        train(spec, global, settings, request) {
          const id = nextId++;
          const { steps, seed, freezeA } = request;
          return ask(worker, { type: "train", id, index, spec, global, settings, steps, seed, freezeA });
        },
        dispose() {
          worker.postMessage({ type: "dispose", index } satisfies ComputeRequest);
        },
      };
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
