// What the simulator's main thread and its training threads say to each other (compute-pool.ts, compute-thread.ts).
// A thread serves its participants' requests one at a time, in the order they came.
import type { AdapterSpec, AdapterState, Failure } from "@airlora/core";
import type { SessionInfo, TrainingSettings } from "@airlora/protocol";
import type { LocalWork } from "@airlora/participant";

export type ComputeRequest =
  /** Participant `index` loads its shard (and the thread the run's model, the first time it sees the run). */
  | {
      readonly type: "load";
      readonly index: number;
      readonly info: SessionInfo;
      readonly shard: Uint8Array;
      /** Sent once per thread and run; absent afterwards. */
      readonly model?: { readonly weights: Uint8Array; readonly poolingCentre: Uint8Array };
    }
  | {
      readonly type: "fit-head";
      readonly id: number;
      readonly index: number;
      readonly spec: AdapterSpec;
      readonly global: AdapterState;
      readonly settings: TrainingSettings;
    }
  | {
      readonly type: "train";
      readonly id: number;
      readonly index: number;
      readonly spec: AdapterSpec;
      readonly global: AdapterState;
      readonly settings: TrainingSettings;
      readonly steps: number;
      readonly seed: number;
      readonly freezeA: boolean;
    }
  | { readonly type: "dispose"; readonly index: number };

export type ComputeReply =
  | { readonly id: number; readonly ok: true; readonly value: LocalWork }
  | { readonly id: number; readonly ok: false; readonly error: Failure };
