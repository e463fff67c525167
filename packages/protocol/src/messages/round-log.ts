// One line of `rounds.jsonl` (docs/interfaces.md): what a round did, per participant and in total. The coordinator
// validates every line against this schema before writing it; tools read the log with the same schema.
import { z } from "zod";
import { BackendName, ByteCount, ClientId, DurationMs, Fraction, RoundNumber } from "./common";
import { MEMBER_OUTCOMES, RoundEvaluation } from "./round";
import { PrecisionName, RuleName } from "./session";

export const SCHEDULER_NAMES = ["tsfa", "fixed"] as const;
export const SchedulerName = z.enum(SCHEDULER_NAMES);
export type SchedulerName = z.infer<typeof SchedulerName>;

/** A logged participant's status: a member's outcome, or `excluded` when TSFA left it out of the round. */
export const RoundLogStatus = z.enum([...MEMBER_OUTCOMES, "excluded"]);
export type RoundLogStatus = z.infer<typeof RoundLogStatus>;

const Timestamp = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 53 - 1);
const NullableMs = DurationMs.nullable();

export const RoundLogClient = z.strictObject({
  id: ClientId,
  status: RoundLogStatus,
  /** Why an update was rejected, or what the participant was doing when the round closed without it. */
  reason: z.string().max(2000).optional(),
  backend: BackendName.nullable(),
  /** Data weight (training rows of its shard). */
  dataWeight: z.number().int().nonnegative(),
  bandwidthShare: Fraction,
  byteBudget: ByteCount,
  /** TSFA left it out this round (it could not finish in time); it still got the global adapter. */
  excluded: z.boolean(),
  expectedLatencyMs: DurationMs,
  /** Reported by the participant; null when it did not submit. */
  keptRatio: Fraction.nullable(),
  energyLost: Fraction.nullable(),
  stepsDone: z.number().int().nonnegative().nullable(),
  trainLoss: z.number().nullable(),
  /** Encoded update bytes the coordinator received (0 without a finished upload). */
  bytesUp: ByteCount,
  /** Bytes the coordinator served it over HTTP during the round (the global adapter; model and shard come at join). */
  bytesDown: ByteCount,
  /** The same update with every rank kept, at the same precision. */
  bytesDense: ByteCount,
  downloadMs: NullableMs,
  computeMs: NullableMs,
  uploadMs: NullableMs,
  /** The uplink estimate C_n the schedule used. */
  estUplinkBps: z.number().nonnegative(),
  /** --clip-norm runs: the L2 norm of the update's change to the global adapter, and the factor it was scaled by
   * (1: within the bound). Absent without --clip-norm or without an accepted update. */
  updateNorm: z.number().nonnegative().optional(),
  clipScale: Fraction.optional(),
  /** True when its page was hidden (in the background) at some time during the round; absent otherwise. */
  hidden: z.literal(true).optional(),
});
export type RoundLogClient = z.infer<typeof RoundLogClient>;

export { RoundEvaluation };

export const ROUND_PHASES = ["baseline", "probe", "lora"] as const;
export const RoundPhase = z.enum(ROUND_PHASES);
export type RoundPhase = z.infer<typeof RoundPhase>;

export const RoundLogLine = z.strictObject({
  round: RoundNumber,
  /** `baseline`: round 0 of a language-model run, the base model evaluated before any training (no clients). */
  phase: RoundPhase,
  startedAt: Timestamp,
  endedAt: Timestamp,
  rule: RuleName,
  scheduler: SchedulerName,
  precision: PrecisionName,
  rank: z.number().int().positive(),
  latencyBudgetMs: DurationMs,
  /** Start of the round to its close, measured by the coordinator: what the virtual queue is charged. */
  roundLatencyMs: DurationMs,
  /** What the schedule expected. */
  expectedLatencyMs: DurationMs,
  deadlineMs: DurationMs,
  /** Q after this round, in seconds (docs/algorithms.md section 5). */
  virtualQueue: z.number().nonnegative(),
  quorum: z.strictObject({ minClients: z.number().int().positive(), submitted: z.number().int().nonnegative() }),
  /** False when the round closed under quorum (or every update was rejected): the global adapter did not change. */
  aggregated: z.boolean(),
  /** Evaluation of the global adapter after the round on the held-out set; null if it could not be evaluated. */
  eval: RoundEvaluation.nullable(),
  /** ||P* - B^ A^|| / ||P* - B_0 A_0|| over the submitted updates, where affordable: P* = mean(B_n A_n), (A^, B^) the
   * adapter the rule returned, (A_0, B_0) the round's start (docs/algorithms.md section 4.6). */
  separationGap: z.number().nonnegative().nullable(),
  /** A sentence when something out of the ordinary happened (no quorum, evaluation failed, ...). */
  note: z.string().max(2000).optional(),
  clients: z.array(RoundLogClient).max(100_000),
});
export type RoundLogLine = z.infer<typeof RoundLogLine>;
