// N Node participants, each in its own worker thread (participant-thread.ts): what `airlora clients` runs and what the
// integration tests drive. Threads keep one participant's training from stalling the others' sockets.
import type { Worker } from "node:worker_threads";
import type { SessionEvent } from "@airlora/participant";
import { startThread } from "../thread";
import type { Fault } from "./faults";
import type { ParticipantTls } from "./tls-fetch";
import type { ParticipantThreadData, ThreadReport } from "./thread-messages";

export interface NodeParticipantsOptions {
  readonly origin: string;
  readonly joinToken: string;
  readonly count: number;
  readonly backend: "wasm" | "cpu";
  readonly userAgent: string;
  readonly tls?: ParticipantTls;
  /** The faults participant `index` shows (none by default). */
  readonly faults?: (index: number) => readonly Fault[];
  readonly onEvent?: (index: number, event: SessionEvent) => void;
  /** A thread died before its session ended. */
  readonly onCrash?: (index: number, reason: string) => void;
}

export interface NodeParticipants {
  /** Resolves when every thread has ended, with whether each one's session saw the run finish. */
  readonly done: Promise<readonly boolean[]>;
  stop(): Promise<void>;
}

export function startNodeParticipants(options: NodeParticipantsOptions): NodeParticipants {
  const workers: Worker[] = [];
  const done = Promise.all(
    Array.from({ length: options.count }, (_, index) => {
      const data: ParticipantThreadData = {
        index,
        origin: options.origin,
        joinToken: options.joinToken,
        backend: options.backend,
        userAgent: options.userAgent,
        faults: options.faults?.(index) ?? [],
        tls: options.tls,
      };
      const worker = startThread(new URL("./participant-thread.ts", import.meta.url), data);
      workers.push(worker);
      return new Promise<boolean>((resolve) => {
        let finished = false;
        worker.on("message", (message: ThreadReport) => {
          if (message.type === "crashed") {
            options.onCrash?.(index, message.reason);
            return;
          }
          if (message.event.type === "finished") finished = true;
          options.onEvent?.(index, message.event);
        });
        worker.on("error", (error) => {
          options.onCrash?.(index, error.message);
        });
        worker.on("exit", () => {
          resolve(finished);
        });
      });
    }),
  );
  return {
    done,
    stop: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
