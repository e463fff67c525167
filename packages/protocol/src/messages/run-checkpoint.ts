// What a round's checkpoint holds besides the adapter (docs/interfaces.md, "Checkpoints and resume"):
// checkpoints/round-NNNN.json, written after checkpoints/round-NNNN.safetensors, is everything the round machine and
// the client registry need to carry on after that round. Resume reads it back through this schema: a file edited or
// cut short is refused with the field that is wrong, never half-trusted.
import { z } from "zod";
import { BackendName, ClientId, RoundNumber } from "./common";

const Finite = z.number().refine(Number.isFinite, "must be finite");
const NonNegative = Finite.refine((n) => n >= 0, "must be >= 0");
/** Epoch milliseconds; not whole ones in a simulated run, whose event clock keeps sub-millisecond time. */
const Timestamp = z
  .number()
  .nonnegative()
  .max(2 ** 53 - 1);

export const Stage1Snapshot = z.strictObject({
  rank: z.number().int().positive(),
  reason: z.string().max(2000),
  spectrum: z.array(NonNegative).max(4096),
  expectedPayloadBytes: NonNegative,
  energyTarget: NonNegative,
  minKeptRatio: NonNegative,
  candidates: z
    .array(
      z.strictObject({
        rank: z.number().int().positive(),
        capturedEnergy: NonNegative,
        bytesPerComponent: NonNegative,
        affordableComponents: NonNegative,
        keptRatio: NonNegative,
      }),
    )
    .max(64),
});

/** What the round machine knows about one participant between rounds: its estimates, not its connection. */
export const ParticipantSnapshot = z.strictObject({
  clientId: ClientId,
  backend: BackendName.nullable(),
  dataWeight: z.number().int().nonnegative(),
  uplinkBps: Finite.refine((n) => n > 0, "must be positive"),
  msPerStep: NonNegative.nullable(),
  downloadMs: NonNegative.nullable(),
  spectrum: z.array(NonNegative).max(1_000_000).nullable(),
  readyAt: Timestamp,
});
export type ParticipantSnapshot = z.infer<typeof ParticipantSnapshot>;

/** The round machine after a round closed (packages/rounds snapshotRun / restoreRun). */
export const MachineSnapshot = z.strictObject({
  /** The round that just closed; the next one is round + 1. */
  round: RoundNumber,
  rank: z.number().int().positive(),
  stage1: Stage1Snapshot.nullable(),
  headFitted: z.boolean(),
  /** Q(t), seconds. */
  virtualQueue: NonNegative,
  totals: z.strictObject({
    loraRounds: z.number().int().nonnegative(),
    latencyMsSum: NonNegative,
    bytesUp: z.number().int().nonnegative(),
    bytesDense: z.number().int().nonnegative(),
    submitted: z.number().int().nonnegative(),
  }),
  startedAt: Timestamp.nullable(),
  participants: z.array(ParticipantSnapshot).max(1_000_000),
});
export type MachineSnapshot = z.infer<typeof MachineSnapshot>;

/** A client identity that outlives the coordinator: the resume token only as its SHA-256. */
export const IdentitySnapshot = z.strictObject({
  clientId: ClientId,
  resumeTokenHash: z.string().regex(/^[0-9a-f]{64}$/u, "a SHA-256 in hex"),
  joinIndex: z.number().int().nonnegative(),
  joinedAt: Timestamp,
  userAgent: z.string().max(1000),
  backend: BackendName.nullable(),
});
export type IdentitySnapshot = z.infer<typeof IdentitySnapshot>;

export const CHECKPOINT_STATE_VERSION = 1;

export const RunCheckpointState = z.strictObject({
  version: z.literal(CHECKPOINT_STATE_VERSION),
  runId: z.string().min(1).max(200),
  round: RoundNumber,
  savedAt: Timestamp,
  /** The SHA-256 of the round's safetensors file: a state is only used with the adapter it was written with. */
  adapterSha256: z.string().regex(/^[0-9a-f]{64}$/u, "a SHA-256 in hex"),
  machine: MachineSnapshot,
  registry: z.strictObject({
    /** Identities handed out so far (the next one takes shard `admitted mod shards`). */
    admitted: z.number().int().nonnegative(),
    identities: z.array(IdentitySnapshot).max(1_000_000),
  }),
});
export type RunCheckpointState = z.infer<typeof RunCheckpointState>;
