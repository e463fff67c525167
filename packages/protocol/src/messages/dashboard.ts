// Messages on the /dashboard namespace (observers authenticated with the admin token). On connect an observer gets
// a full picture (`clients`, `run`, `round-history`); after that only what changed, batched, so dashboard traffic
// grows with events, not with events times clients (docs/protocol.md).
import { z } from "zod";
import { BackendAttempt, BackendName, ClientId, DurationMs, Fraction, RoundNumber } from "./common";
import { RoundLogLine, RoundPhase, SchedulerName } from "./round-log";
import { MemberOutcome } from "./round";
import { PresetName, RuleName, TaskName } from "./session";
import { RunState } from "./health";
import { DeviceInfo } from "../device";

export const ClientSummary = z.strictObject({
  clientId: ClientId,
  connected: z.boolean(),
  /** Probed its uplink and loaded model and shard: counts towards the quorum. */
  ready: z.boolean(),
  backend: BackendName.nullable(),
  probe: z.array(BackendAttempt).max(8),
  /** The raw user agent of its hello, and what the coordinator reads from it (device.ts). */
  userAgent: z.string().max(512),
  device: DeviceInfo,
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

/** What an admin may ask of the run (docs/rounds.md section 8): `start` the first round now with the ready
 * participants (at least --min-clients, even below --start-clients), `pause` (the round in flight finishes, no new
 * one starts), `resume`, `stop` (close the round in flight now as if its deadline came and finish the run). */
export const CONTROL_ACTIONS = ["start", "pause", "resume", "stop"] as const;
export const ControlAction = z.enum(CONTROL_ACTIONS);
export type ControlAction = z.infer<typeof ControlAction>;

/** dashboard -> coordinator, `control`, with an acknowledgement callback. */
export const ControlRequest = z.strictObject({ action: ControlAction });
export type ControlRequest = z.infer<typeof ControlRequest>;

/** The acknowledgement of a `control`: done, or why not (nothing changed then). */
export const ControlAck = z.discriminatedUnion("ok", [
  z.strictObject({ ok: z.literal(true), action: ControlAction }),
  z.strictObject({ ok: z.literal(false), code: z.string().max(64), reason: z.string().max(2000) }),
]);
export type ControlAck = z.infer<typeof ControlAck>;

/** On connect: where participants join. A secret (it holds the join token), so only on the admin namespace. */
export const JoinInfo = z.strictObject({
  joinUrl: z.string().max(2048),
  /** The join URL as a QR code, an SVG document (the coordinator draws it: the page needs no QR library). */
  qrSvg: z.string().max(500_000),
});
export type JoinInfo = z.infer<typeof JoinInfo>;

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
  startClients: z.number().int().positive(),
  /** An admin paused it: the round in flight (if any) finishes, no new one starts until `resume`. */
  paused: z.boolean(),
  /** An admin stopped it: it is finishing or done without all its rounds. */
  stopped: z.boolean(),
  /** The control actions the run accepts right now. */
  controls: z.array(ControlAction).max(4),
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

/** At most this many distinct refusal codes are kept; further ones are counted under "other". */
export const MAX_REFUSAL_CODES = 64;

/** Everything the coordinator refused on its sockets since it started, whoever sent it (joined or not): every `error`
 * message, every refused chunk acknowledgement, every refused handshake or connection, every connection closed for a
 * malformed or oversized packet. On connect and whenever it changes (batched like the deltas). */
export const RefusalCounts = z.strictObject({
  total: z.number().int().nonnegative(),
  byCode: z
    .record(z.string().max(64), z.number().int().nonnegative())
    .refine((codes) => Object.keys(codes).length <= MAX_REFUSAL_CODES, "too many refusal codes"),
});
export type RefusalCounts = z.infer<typeof RefusalCounts>;
