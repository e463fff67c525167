// What a participant session reports to whoever drives it (a page, a CLI progress line, a test), as a stream.
import type { MemberOutcome, RoundEvaluation, RoundReport } from "@airlora/protocol";

export type SessionEvent =
  | { readonly type: "connection"; readonly state: "connected" | "disconnected"; readonly reason?: string }
  | { readonly type: "joined"; readonly clientId: string; readonly resumed: boolean }
  | { readonly type: "preparing"; readonly stage: "model" | "shard" | "probe" }
  | { readonly type: "ready"; readonly rows: number; readonly uplinkBps: number; readonly downloadMs: number }
  /** A round's assignment arrived: what the schedule gave this participant. */
  | {
      readonly type: "assigned";
      readonly round: number;
      readonly phase: "probe" | "lora";
      readonly bandwidthShare: number;
      readonly paceBps: number;
      readonly byteBudget: number;
      readonly deadlineMs: number;
      readonly localSteps: number;
    }
  | {
      readonly type: "round";
      readonly round: number;
      readonly phase: "probe" | "lora";
      readonly stage: "downloading" | "training" | "uploading" | "submitted";
      readonly done: number;
      readonly total: number;
      readonly loss?: number;
      /** Training: tokens per second of the steps so far. */
      readonly tokensPerSec?: number;
    }
  /** The report sent with a round's update, and the update's size on the wire (codec bytes). */
  | { readonly type: "reported"; readonly round: number; readonly report: RoundReport; readonly bytesUp: number }
  | { readonly type: "outcome"; readonly round: number; readonly outcome: MemberOutcome; readonly reason?: string }
  /** Something went wrong; the session carries on unless the coordinator ends it. */
  | { readonly type: "problem"; readonly code: string; readonly reason: string }
  | { readonly type: "finished"; readonly rounds: number; readonly finalEval: RoundEvaluation | null };

/** An unbounded queue read as an async iterable: the session pushes, one consumer pulls. */
export interface EventStream<T> {
  push(event: T): void;
  end(): void;
  iterate(): AsyncIterable<T>;
}

export function createEventStream<T>(): EventStream<T> {
  const queue: T[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  return {
    push(event) {
      if (ended) return;
      queue.push(event);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    async *iterate() {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
  };
}
