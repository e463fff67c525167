// What a participant needs to know about the run before any round: sent once after `welcome`. Everything here is
// fixed for the run; what changes per round travels in the assignment. See docs/protocol.md.
import { AGGREGATION_RULES } from "@airlora/core";
import { z } from "zod";
import { ByteCount, DurationMs, ResourcePath } from "./common";

/** Task and preset names as they travel (the model package holds the same lists; a test keeps them equal). */
export const TASK_NAMES = ["spam", "sotu"] as const;
export const TaskName = z.enum(TASK_NAMES);
export type TaskName = z.infer<typeof TaskName>;
export const PRESET_NAMES = ["nano", "tiny"] as const;
export const PresetName = z.enum(PRESET_NAMES);
export type PresetName = z.infer<typeof PresetName>;
export const LORA_TARGET_NAMES = ["emb", "q", "k", "v", "o", "mlp"] as const;
export const LoraTargetName = z.enum(LORA_TARGET_NAMES);
export type LoraTargetName = z.infer<typeof LoraTargetName>;
export const RuleName = z.enum(AGGREGATION_RULES);
export type RuleName = z.infer<typeof RuleName>;
export const PrecisionName = z.enum(["fp16", "fp32"]);
export type PrecisionName = z.infer<typeof PrecisionName>;

/** How a participant trains locally; the coordinator picks it per preset, every participant uses the same. */
export const TrainingSettings = z.strictObject({
  batchSize: z.number().int().min(1).max(1024),
  microBatchSize: z.number().int().min(1).max(1024),
  learningRate: z.number().positive().max(1),
  softLambda: z.number().nonnegative().max(100),
  windows: z.enum(["whole", "random"]),
  probeIterations: z.number().int().nonnegative().max(100_000),
  probeLearningRate: z.number().positive().max(1),
  probeL2: z.number().nonnegative().max(1),
});
export type TrainingSettings = z.infer<typeof TrainingSettings>;

export const SessionInfo = z.strictObject({
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u),
  task: TaskName,
  preset: PresetName,
  rule: RuleName,
  /** Base model files, fetched once over HTTP (cacheable: the path carries the content hash). */
  model: z.strictObject({ weights: ResourcePath, poolingCentre: ResourcePath, bytes: ByteCount }),
  /** This participant's share of the training data (shard codec), fetched once over HTTP. */
  shard: z.strictObject({ path: ResourcePath, rows: z.number().int().positive(), bytes: ByteCount }),
  training: TrainingSettings,
  /** W, the shared uplink every participant's pacing adds up to, in bits/s. */
  uplinkBps: z.number().positive().max(1e12),
  /** Largest binary chunk of an upload; every chunk is acknowledged before the next one goes. */
  chunkBytes: z.number().int().min(256).max(65_536),
  /** The join-time uplink probe: upload this many bytes, paced at uplinkBps, then say `ready`. */
  probeBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * 1024 * 1024),
  /** How long the coordinator waits for a chunk's successor before it drops a half-finished upload. */
  uploadIdleMs: DurationMs,
});
export type SessionInfo = z.infer<typeof SessionInfo>;
