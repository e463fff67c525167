// Messages on the /dashboard namespace (observers authenticated with the admin token). On connect an observer gets
// a full picture (`clients`, `run`, `round-history`); after that only what changed, batched, so dashboard traffic
// grows with events, not with events times clients (docs/protocol.md).
import { z } from "zod";
import { BackendAttempt, BackendName, ClientId, DurationMs, Fraction, RoundNumber } from "./common";
import { RoundLogLine, RoundPhase, SchedulerName } from "./round-log";
import { MemberOutcome } from "./round";
import { PresetName, RuleName, TaskName } from "./session";
import { RunState } from "./health";

export const ClientSummary = z.strictObject({
  clientId: ClientId,
  connected: z.boolean(),
  /** Probed its uplink and loaded model and shard: counts towards the quorum. */
  ready: z.boolean(),
  backend: BackendName.nullable(),
  probe: z.array(BackendAttempt).max(8),
  userAgent: z.string().max(512),
  joinedAt: z.number().int().nonnegative(),
  lastSeenAt: z.number().int().nonnegative(),
  invalidMessages: z.number().int().nonnegative(),
  /** The coordinator's uplink estimate C_n, once measured. */
  estUplinkBps: z.number().nonnegative().nullable(),
  /** Training rows of its shard. */
  dataWeight: z.number().int().nonnegative(),
  /** Its page is in the background (the last `visibility` it sent); absent from clients that never said. */
  hidden: z.boolean().optional(),
});
export type ClientSummary = z.infer<typeof ClientSummary>;

/** Full list of known clients, pushed on connect. */
export const ClientsSnapshot = z.strictObject({
  clients: z.array(ClientSummary).max(100_000),
});
export type ClientsSnapshot = z.infer<typeof ClientsSnapshot>;

/** What changed since the last delta (at most a few per second). */
export const ClientsDelta = z.strictObject({
  changed: z.array(ClientSummary).max(100_000),
  removed: z.array(ClientId).max(100_000),
});
export type ClientsDelta = z.infer<typeof ClientsDelta>;

/** The run as a whole: on connect and whenever it changes. */
export const RunView = z.strictObject({
  runId: z.string().max(64),
  state: RunState,
  round: RoundNumber,
  rounds: z.number().int().nonnegative(),
  task: TaskName,
  preset: PresetName,
  rule: RuleName,
  scheduler: SchedulerName,
  minClients: z.number().int().positive(),
  latencyBudgetMs: DurationMs,
  uplinkBps: z.number().positive(),
  /** The LoRA rank TSFA stage 1 chose (null until the run starts) and why. */
  rank: z.number().int().positive().nullable(),
  rankReason: z.string().max(2000).nullable(),
  /** Q, seconds. */
  virtualQueue: z.number().nonnegative(),
  /** What the coordinator is doing right now, in words ("waiting for 2 ready participants", ...). */
  activity: z.string().max(500),
});
export type RunView = z.infer<typeof RunView>;

export const MEMBER_STAGES = ["assigned", "downloading", "training", "uploading"] as const;
export const MemberStatus = z.union([z.enum(MEMBER_STAGES), MemberOutcome]);
export type MemberStatus = z.infer<typeof MemberStatus>;

/** A round began: who takes part and what the schedule gave each. */
export const RoundStarted = z.strictObject({
  round: RoundNumber,
  phase: RoundPhase,
  startedAt: z.number().int().nonnegative(),
  deadlineMs: DurationMs,
  expectedLatencyMs: DurationMs,
  members: z
    .array(
      z.strictObject({
        clientId: ClientId,
        bandwidthShare: Fraction,
        byteBudget: z.number().int().nonnegative(),
        expectedLatencyMs: DurationMs,
        excluded: z.boolean(),
      }),
    )
    .max(100_000),
});
export type RoundStarted = z.infer<typeof RoundStarted>;

/** Members whose status changed since the last batch. */
export const MemberStatuses = z.strictObject({
  round: RoundNumber,
  changes: z
    .array(
      z.strictObject({
        clientId: ClientId,
        status: MemberStatus,
        done: z.number().int().nonnegative().optional(),
        total: z.number().int().nonnegative().optional(),
        reason: z.string().max(2000).optional(),
      }),
    )
    .max(100_000),
});
export type MemberStatuses = z.infer<typeof MemberStatuses>;

/** Every logged round so far, on connect; then one `round-log` per round. */
export const RoundHistory = z.strictObject({ lines: z.array(RoundLogLine).max(1_000_000) });
export type RoundHistory = z.infer<typeof RoundHistory>;
