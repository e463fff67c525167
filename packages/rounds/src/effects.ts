// What the machine asks the shell to do (docs/rounds.md): plain data the coordinator carries out over sockets,
// timers, files and its evaluation worker, and that tests simply inspect.
import type { AdapterSpec, AdapterState, Contribution, Stage1Record } from "@airlora/core";
import type {
  Assignment,
  MachineSnapshot,
  MemberOutcome,
  MemberStatus,
  RoundEvaluation,
  RoundLogLine,
  RoundPhase,
} from "@airlora/protocol";

/** An assignment without where to fetch the global adapter: the shell knows its URLs. */
export type PlannedAssignment = Omit<Assignment, "global">;

export interface RunSummary {
  readonly rounds: number;
  readonly finalEval: RoundEvaluation | null;
  readonly bytesUp: number;
  readonly bytesDense: number;
  /** Mean LoRA-round latency against the budget. */
  readonly meanRoundLatencyMs: number;
  readonly latencyBudgetMs: number;
  readonly virtualQueue: number;
}

export type Effect =
  /** The run reached its quorum for the first time: rank chosen, manifest can be written. */
  | {
      readonly type: "run-started";
      readonly rank: number;
      readonly spec: AdapterSpec;
      readonly stage1: Stage1Record | undefined;
    }
  /** Publish this round's global adapter and send each member its assignment. */
  | {
      readonly type: "start-round";
      readonly round: number;
      readonly phase: RoundPhase;
      readonly spec: AdapterSpec;
      readonly global: AdapterState;
      readonly assignments: readonly { readonly clientId: string; readonly assignment: PlannedAssignment }[];
      readonly excluded: readonly string[];
      readonly deadlineMs: number;
      readonly expectedLatencyMs: number;
    }
  | { readonly type: "set-timer"; readonly round: number; readonly atMs: number }
  /** Tell one participant what became of its part in a round. */
  | {
      readonly type: "outcome";
      readonly clientId: string;
      readonly round: number;
      readonly outcome: MemberOutcome;
      readonly reason?: string;
    }
  /** For observers: a member's status changed. */
  | {
      readonly type: "member-status";
      readonly round: number;
      readonly clientId: string;
      readonly status: MemberStatus;
      readonly done?: number;
      readonly total?: number;
      readonly reason?: string;
    }
  | { readonly type: "round-closed"; readonly round: number; readonly aggregated: boolean; readonly now: number }
  /** Evaluate the global adapter after `round` on the held-out set; answer with an `evaluated` event. With
   * `diagnose`, also the separation gap of these updates against the round's starting global (core's
   * updateSeparationGap), so that its O(N r d k) runs where the evaluation does, off the event loop. */
  | {
      readonly type: "evaluate";
      readonly round: number;
      readonly spec: AdapterSpec;
      readonly adapter: AdapterState;
      readonly diagnose?: { readonly global: AdapterState; readonly contributions: readonly Contribution[] };
    }
  /** Save the global adapter after `round` and what the machine needs to carry on from there (snapshot.ts). */
  | {
      readonly type: "checkpoint";
      readonly round: number;
      readonly spec: AdapterSpec;
      readonly adapter: AdapterState;
      readonly snapshot: MachineSnapshot;
    }
  | { readonly type: "log-round"; readonly line: RoundLogLine }
  | { readonly type: "finished"; readonly summary: RunSummary };
