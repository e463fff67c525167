// The main thread's handle on the evaluation worker: requests in, Results out, in order; nothing throws. If the
// worker dies, every open and later request fails with the reason.
import { fail, type Result } from "@airlora/core";
import { startThread } from "../thread";
import type {
  Envelope,
  EvaluatedRound,
  EvaluateRequest,
  EvaluatorReply,
  EvaluatorRequest,
  PreparedData,
  PrepareRequest,
} from "./evaluator-messages";

export interface Evaluator {
  prepare(request: Omit<PrepareRequest, "type">): Promise<Result<PreparedData>>;
  evaluate(request: Omit<EvaluateRequest, "type">): Promise<Result<EvaluatedRound>>;
  close(): Promise<void>;
}

export function startEvaluator(): Evaluator {
  const worker = startThread(new URL("./evaluator-worker.ts", import.meta.url));
  const waiting = new Map<number, (reply: EvaluatorReply) => void>();
  let nextId = 1;
  let dead: string | undefined;
  const failAll = (reason: string): void => {
    dead = reason;
    for (const resolve of waiting.values()) resolve(fail({ code: "evaluator-died", reason }));
    waiting.clear();
  };
  worker.on("message", (envelope: Envelope<EvaluatorReply>) => {
    const resolve = waiting.get(envelope.id);
    waiting.delete(envelope.id);
    resolve?.(envelope.body);
  });
  worker.on("error", (error) => {
    failAll(error.message);
  });
  worker.on("exit", (code) => {
    failAll(`the evaluation worker exited (code ${String(code)})`);
  });
  const ask = (body: EvaluatorRequest): Promise<EvaluatorReply> =>
    new Promise((resolve) => {
      if (dead !== undefined) {
        resolve(fail({ code: "evaluator-died", reason: dead }));
        return;
      }
      const id = nextId;
      nextId += 1;
      waiting.set(id, resolve);
      worker.postMessage({ id, body } satisfies Envelope<EvaluatorRequest>);
    });
  return {
    prepare: async (request) => (await ask({ type: "prepare", ...request })) as Result<PreparedData>,
    evaluate: async (request) => (await ask({ type: "evaluate", ...request })) as Result<EvaluatedRound>,
    close: async () => {
      dead ??= "closed";
      await worker.terminate();
    },
  };
}
