// The run as immutable data (docs/rounds.md). Transitions return a new RunState; nothing here is ever mutated, and
// the Float32Arrays of adapters are treated as read-only once they are in a state.
import type { AdapterSpec, AdapterState, AdapterUpdate, BackendName, Stage1Record, UpdateKind } from "@airlora/core";
import type { MemberStatus, RoundEvaluation, RoundLogLine, RoundPhase, RoundReport } from "@airlora/protocol";
import type { PilotRecord, RunConfig } from "./config";

/** A participant that finished its join-time probe: what the coordinator knows and predicts about it. */
export interface Participant {
  readonly clientId: string;
  readonly connected: boolean;
  readonly backend: BackendName | null;
  /** omega_n before normalisation: its shard's training rows. */
  readonly dataWeight: number;
  /** C_n, bits/s: the join probe, then every upload (estimates.ts). */
  readonly uplinkBps: number;
  /** EWMA of its ms per local step; undefined until it reported one (the pilot's figure stands in). */
  readonly msPerStep: number | undefined;
  /** EWMA of the time it took to fetch the global adapter. */
  readonly downloadMs: number | undefined;
  /** EWMA of its normalised importance profile (module-major), at the run's rank; undefined: the geometric prior. */
  readonly spectrum: readonly number[] | undefined;
  readonly readyAt: number;
  /** Its page is in the background right now (browsers throttle hidden tabs); absent: not known to be. */
  readonly hidden?: boolean;
}

/** What the schedule gave one member for the round. */
export interface MemberPlan {
  readonly bandwidthShare: number;
  readonly byteBudget: number;
  readonly expectedLatencyMs: number;
  readonly excluded: boolean;
  /** C_n at the time of scheduling (logged as estUplinkBps). */
  readonly estUplinkBps: number;
  readonly seed: number;
}

export interface Submission {
  /** As aggregated: clipped to config.clipNorm if the run has one. */
  readonly update: AdapterUpdate;
  /** --clip-norm: the update's norm before clipping and the factor applied. */
  readonly clip?: { readonly norm: number; readonly scale: number };
  readonly bytesUp: number;
  readonly report: RoundReport;
  readonly receivedAt: number;
}

export interface Member {
  readonly clientId: string;
  readonly plan: MemberPlan;
  readonly status: MemberStatus;
  readonly reason?: string;
  readonly progress?: { readonly done: number; readonly total: number };
  /** When its first `training` progress arrived (the shell's clock): a late member's pace is read from it. */
  readonly trainingSince?: number;
  readonly submission?: Submission;
  /** Bytes the coordinator served it over HTTP since the round started. */
  readonly bytesDown: number;
  /** Its page was hidden at some time between the round's start and the member's outcome. */
  readonly hidden?: true;
}

export interface ActiveRound {
  readonly round: number;
  readonly phase: RoundPhase;
  readonly startedAt: number;
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  readonly expectedLatencyMs: number;
  readonly kind: UpdateKind;
  /** The global adapter the round started from (what members downloaded). */
  readonly global: AdapterState;
  /** Members that got an assignment, and TSFA's excluded ones (status stays `assigned`, they are logged as such). */
  readonly members: ReadonlyMap<string, Member>;
  readonly note?: string;
}

/** A closed round's log line, waiting for its evaluation (or, when the round changed nothing, for the one before). */
export interface PendingLine {
  readonly line: Omit<RoundLogLine, "eval">;
  /** undefined: still out; null: it failed. */
  readonly evaluation: RoundEvaluation | null | undefined;
  /** The global adapter did not change: the line takes the previous round's evaluation. */
  readonly reusesPrevious: boolean;
  readonly note?: string;
}

export interface RunTotals {
  readonly loraRounds: number;
  readonly latencyMsSum: number;
  readonly bytesUp: number;
  readonly bytesDense: number;
  readonly submitted: number;
}

export type RunStage =
  /** Fewer than minClients ready participants: nothing runs. */
  | "waiting"
  | "running"
  /** The last round closed; its evaluations are still out. */
  | "finishing"
  | "done";

export interface RunState {
  readonly config: RunConfig;
  readonly pilot: PilotRecord | undefined;
  readonly stage: RunStage;
  readonly participants: ReadonlyMap<string, Participant>;
  /** Chosen when the run first reaches its quorum (TSFA stage 1). */
  readonly rank: number | undefined;
  readonly stage1: Stage1Record | undefined;
  readonly spec: AdapterSpec | undefined;
  /** The current global adapter and head. */
  readonly global: AdapterState | undefined;
  /** The next round to start (0 first). */
  readonly nextRound: number;
  /** Classification runs: a probe round aggregated, so LoRA rounds may start. */
  readonly headFitted: boolean;
  readonly active: ActiveRound | undefined;
  /** Q(t), seconds. */
  readonly virtualQueue: number;
  readonly pending: ReadonlyMap<number, PendingLine>;
  /** The latest evaluation, reused for a round that did not change the global adapter. */
  readonly lastEval: RoundEvaluation | null;
  readonly totals: RunTotals;
  readonly startedAt: number | undefined;
  /** The next member round is the first of this process (a new run, or a resumed one): it waits for startClients
   * ready participants, later ones for minClients. */
  readonly waitsForStart: boolean;
  /** An admin paused the run (control.ts): the round in flight finishes, no new one starts until `resume`. */
  readonly paused: boolean;
  /** When an admin stopped the run: it finishes without its remaining rounds. */
  readonly stoppedAt: number | undefined;
}

/** One event's outcome: the next state and what the shell must do. */
export interface Step<E> {
  readonly state: RunState;
  readonly effects: readonly E[];
}

export function createRun(config: RunConfig, pilot: PilotRecord | undefined): RunState {
  return {
    config,
    pilot,
    stage: "waiting",
    participants: new Map(),
    rank: undefined,
    stage1: undefined,
    spec: undefined,
    global: undefined,
    nextRound: 0,
    headFitted: false,
    active: undefined,
    virtualQueue: 0,
    pending: new Map(),
    lastEval: null,
    totals: { loraRounds: 0, latencyMsSum: 0, bytesUp: 0, bytesDense: 0, submitted: 0 },
    startedAt: undefined,
    waitsForStart: true,
    paused: false,
    stoppedAt: undefined,
  };
}

/** A copy of `map` with `key` set (maps in a state are never changed in place). */
export function withEntry<K, V>(map: ReadonlyMap<K, V>, key: K, value: V): ReadonlyMap<K, V> {
  return new Map(map).set(key, value);
}

export function withoutEntry<K, V>(map: ReadonlyMap<K, V>, key: K): ReadonlyMap<K, V> {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

export function readyParticipants(state: RunState): Participant[] {
  return [...state.participants.values()].filter((p) => p.connected);
}

export const TERMINAL_STATUSES: readonly MemberStatus[] = ["submitted", "late", "dropped", "rejected"];

export function isTerminal(status: MemberStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
