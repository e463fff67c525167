// What the join page and its participant worker say to each other, as schemas: each side parses what it receives
// (parseMessage), so a change on one side that the other does not expect is a refusal with a reason, not a
// mystery. The worker owns the socket, the transport and tfjs; the page owns storage, the Wake Lock and visibility.
import { z } from "zod";
import type { SessionEvent } from "@airlora/participant";
import type { BackendRow } from "@airlora/model";
import { BackendName, ClientId, MemberOutcome, ResumeToken, RoundEvaluation, RoundReport } from "@airlora/protocol";

const Text = z.string().max(2000);
const Count = z.number().nonnegative();

export const WorkerRequest = z.discriminatedUnion("type", [
  /** Choose a backend, connect and run the participant session. */
  z.strictObject({
    type: z.literal("start"),
    joinToken: z.string().min(1).max(512),
    /** The page's origin (the coordinator serving it). */
    origin: z.string().max(512),
    resumeToken: ResumeToken.exactOptional(),
    /** `?backend=`: take this one if it works. */
    forced: BackendName.exactOptional(),
    /** Why, in words, when it is not `?backend=` (a choice this device remembers). */
    forcedBy: z.string().max(200).exactOptional(),
    hidden: z.boolean(),
  }),
  z.strictObject({ type: z.literal("visibility"), hidden: z.boolean() }),
  /** The page is going away: close the socket cleanly so the coordinator knows at once. */
  z.strictObject({ type: z.literal("stop") }),
]);
export type WorkerRequest = z.infer<typeof WorkerRequest>;

const BackendRowSchema = z.strictObject({
  backend: BackendName,
  verdict: z.enum(["chosen", "slower", "not-timed", "failed"]),
  probeMs: Count,
  stepMs: Count.exactOptional(),
  firstStepMs: Count.exactOptional(),
  reason: Text,
});

const Stage = z.enum(["downloading", "training", "uploading", "submitted"]);
const Phase = z.enum(["probe", "lora"]);

/** The participant session's events (packages/participant session-events.ts), as they cross postMessage. */
const SessionEventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("connection"),
    state: z.enum(["connected", "disconnected"]),
    reason: Text.exactOptional(),
  }),
  z.strictObject({ type: z.literal("joined"), clientId: ClientId, resumed: z.boolean() }),
  z.strictObject({ type: z.literal("preparing"), stage: z.enum(["model", "shard", "probe"]) }),
  z.strictObject({ type: z.literal("ready"), rows: Count, uplinkBps: Count, downloadMs: Count }),
  z.strictObject({
    type: z.literal("assigned"),
    round: Count,
    phase: Phase,
    bandwidthShare: Count,
    paceBps: Count,
    byteBudget: Count,
    deadlineMs: Count,
    localSteps: Count,
  }),
  z.strictObject({
    type: z.literal("round"),
    round: Count,
    phase: Phase,
    stage: Stage,
    done: Count,
    total: Count,
    loss: z.number().exactOptional(),
    tokensPerSec: Count.exactOptional(),
  }),
  z.strictObject({ type: z.literal("reported"), round: Count, report: RoundReport, bytesUp: Count }),
  z.strictObject({ type: z.literal("outcome"), round: Count, outcome: MemberOutcome, reason: Text.exactOptional() }),
  z.strictObject({ type: z.literal("problem"), code: z.string().max(200), reason: Text }),
  z.strictObject({ type: z.literal("finished"), rounds: Count, finalEval: RoundEvaluation.nullable() }),
]);

export const WorkerReply = z.discriminatedUnion("type", [
  /** The backend choice (docs/model-and-data.md section 6), before the worker connects. */
  z.strictObject({ type: z.literal("backend"), backend: BackendName.nullable(), rows: z.array(BackendRowSchema) }),
  z.strictObject({ type: z.literal("event"), event: SessionEventSchema }),
  /** The coordinator handed out (or confirmed) this identity: the page stores it. */
  z.strictObject({ type: z.literal("identity"), resumeToken: ResumeToken }),
  /** One HTTP download of the session: from the network or from the worker's cache. */
  z.strictObject({
    type: z.literal("download"),
    path: z.string().max(512),
    bytes: Count,
    fromCache: z.boolean(),
  }),
  /** Whether the model and shard cache works here (Cache Storage needs a secure context). */
  z.strictObject({ type: z.literal("cache"), available: z.boolean(), reason: Text.exactOptional() }),
  /** The session is over (the run finished, the coordinator refused this participant, or the page stopped it). */
  z.strictObject({ type: z.literal("ended") }),
  /** The worker itself failed (it could not load, or the session crashed). */
  z.strictObject({ type: z.literal("failed"), code: z.string().max(200), reason: Text }),
]);
export type WorkerReply = z.infer<typeof WorkerReply>;

// The schemas above must describe exactly what the session and the backend choice produce: these lines stop
// compiling when either side changes without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Rows = z.infer<typeof BackendRowSchema>;
export const schemasMatchTheirTypes: [Same<z.infer<typeof SessionEventSchema>, SessionEvent>, Same<Rows, BackendRow>] =
  [true, true];
