// One round on the /client namespace (docs/protocol.md, docs/rounds.md): the coordinator assigns, the participant
// downloads the global adapter over HTTP, trains, uploads its encoded update in acknowledged chunks, then submits
// its report. Every schema is strict: an unknown field is an error, not something to ignore.
import { z } from "zod";
import { BackendName, ByteCount, DurationMs, Fraction, ResourcePath, RoundNumber } from "./common";
import { LoraTargetName, PrecisionName } from "./session";

export const UPDATE_KIND_NAMES = ["dense", "soft", "b-only", "topk"] as const;
export const UpdateKindName = z.enum(UPDATE_KIND_NAMES);

/** Which adapter a round trains: the participant builds its spec from this and checks the fingerprint. */
export const AdapterShape = z.strictObject({
  rank: z.number().int().min(1).max(256),
  alpha: z.number().positive().max(1e6),
  targets: z.array(LoraTargetName).min(1).max(6),
  /** specFingerprint of the spec these make (protocol codec); a mismatch means another model or version. */
  fingerprint: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 32 - 1),
});
export type AdapterShape = z.infer<typeof AdapterShape>;

/** coordinator -> participant: what to do this round. */
export const Assignment = z.strictObject({
  round: RoundNumber,
  /** `probe`: fit the classifier head on frozen features (round 0); `lora`: train the adapter. */
  phase: z.enum(["probe", "lora"]),
  /** beta_n, this participant's share of the shared uplink. */
  bandwidthShare: Fraction,
  /** beta_n * W: the rate its token bucket paces the upload at, bits/s. */
  paceBps: z.number().positive().max(1e12),
  /** The whole encoded update may not be larger (header, bitmasks and head included). */
  byteBudget: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
  /** Time from receiving this to the round's close; training stops early to leave time for the upload. */
  deadlineMs: z.number().positive().max(86_400_000),
  localSteps: z.number().int().nonnegative().max(100_000),
  precision: PrecisionName,
  kind: UpdateKindName,
  /** Keep what a soft or top-k update leaves out and add it to the next round's change before selection
   * (error feedback, docs/algorithms.md section 3.5); false for the other kinds. */
  errorFeedback: z.boolean(),
  adapter: AdapterShape,
  /** The round's global adapter and head, dense fp32 codec bytes, over HTTP. */
  global: z.strictObject({ path: ResourcePath, bytes: ByteCount }),
  /** Seed of this participant's batch draws this round. */
  seed: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 32 - 1),
});
export type Assignment = z.infer<typeof Assignment>;

/** Binary chunk payload: a Node Buffer (a Uint8Array) on the server, an ArrayBuffer in browsers. */
export const BinaryChunk = z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]);

/** participant -> coordinator, event `upload-chunk` (meta, bytes, ack): one piece of an upload. */
export const UploadChunkMeta = z.strictObject({
  /** `probe`: the join-time uplink probe; `update`: the round's encoded update. */
  purpose: z.enum(["probe", "update"]),
  /** The round an update answers (0 for the probe). */
  round: RoundNumber,
  /** Byte offset of this chunk: chunks arrive in order, each starting where the last ended. */
  offset: ByteCount,
  /** Size of the whole upload, the same in every chunk. */
  totalBytes: z
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});
export type UploadChunkMeta = z.infer<typeof UploadChunkMeta>;

/** The acknowledgement of a chunk (socket.io ack callback). A refused chunk ends that upload. */
export const ChunkAck = z.union([
  z.strictObject({ ok: z.literal(true), receivedBytes: ByteCount }),
  z.strictObject({ ok: z.literal(false), code: z.string().max(64), reason: z.string().max(2000) }),
]);
export type ChunkAck = z.infer<typeof ChunkAck>;

/** participant -> coordinator: the join-time probe is uploaded and model + shard are loaded; count me in. */
export const Ready = z.strictObject({
  /** How long the probe's upload took, first chunk sent to last ack. */
  probeUploadMs: DurationMs,
  /** Fetching model and shard. */
  downloadMs: DurationMs,
  /** The backend it will train on. */
  backend: BackendName.nullable(),
});
export type Ready = z.infer<typeof Ready>;

/** What a participant measured in a round; sent with `submit` after the last chunk is acknowledged. */
export const RoundReport = z.strictObject({
  round: RoundNumber,
  /** Fetching the global adapter (and anything else the round needed). */
  downloadMs: DurationMs,
  /** Training (or, in a probe round, fitting the head). */
  computeMs: DurationMs,
  /** First chunk sent to last chunk acknowledged. */
  uploadMs: DurationMs,
  stepsDone: z.number().int().nonnegative().max(100_000),
  /** Mean training loss over the steps done; null when none was measured. */
  trainLoss: z.number().nullable(),
  /** s_i^2 of every (module, rank) component, module-major: the coordinator's importance profile for TSFA. */
  spectrum: z.array(z.number().nonnegative()).max(16_384),
  keptRatio: Fraction,
  energyLost: Fraction,
  /** Peak tensor memory of a training step, when the backend can say. */
  peakBytes: ByteCount.nullable(),
});
export type RoundReport = z.infer<typeof RoundReport>;

/** participant -> coordinator while it works: which stage it is in (for the dashboard), throttled by the sender. */
export const Progress = z.strictObject({
  round: RoundNumber,
  stage: z.enum(["downloading", "training", "uploading"]),
  done: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31 - 1),
  total: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31 - 1),
});
export type Progress = z.infer<typeof Progress>;

export const MEMBER_OUTCOMES = ["submitted", "late", "dropped", "rejected"] as const;
export const MemberOutcome = z.enum(MEMBER_OUTCOMES);
export type MemberOutcome = z.infer<typeof MemberOutcome>;

/** coordinator -> participant: what became of its part in a round (also sent when the round closes without it). */
export const RoundOutcome = z.strictObject({
  round: RoundNumber,
  outcome: MemberOutcome,
  reason: z.string().max(2000).optional(),
});
export type RoundOutcome = z.infer<typeof RoundOutcome>;

/** How well the global adapter does on the held-out set: accuracy for classification, perplexity for LM. */
export const RoundEvaluation = z.union([
  z.strictObject({ loss: z.number(), accuracy: Fraction, examples: z.number().int().positive() }),
  z.strictObject({ loss: z.number(), perplexity: z.number(), examples: z.number().int().positive() }),
]);
export type RoundEvaluation = z.infer<typeof RoundEvaluation>;

/** coordinator -> participant: the run is over; nothing more will be assigned. */
export const RunFinished = z.strictObject({
  rounds: z.number().int().nonnegative(),
  /** The last evaluation of the global adapter, if any. */
  finalEval: RoundEvaluation.nullable(),
});
export type RunFinished = z.infer<typeof RunFinished>;
