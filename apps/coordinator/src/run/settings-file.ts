// The run's settings as manifest.json stores them, read back for `--resume`: a manifest from another version or one
// edited by hand is refused with the field that is wrong, then checked together as `airlora start` checks flags.
import { z } from "zod";
import { fail, type Result } from "@airlora/core";
import {
  LoraTargetName,
  PrecisionName,
  PresetName,
  RuleName,
  SchedulerName,
  TaskName,
  TrainingSettings,
} from "@airlora/protocol";
import { runSettings, type RunSettings } from "./run-settings";

const Count = z.number().int().positive();
const Positive = z.number().positive();

const StoredSettings = z.object({
  task: TaskName,
  preset: PresetName,
  rule: RuleName,
  scheduler: SchedulerName,
  rounds: Count,
  minClients: Count,
  startClients: Count,
  localSteps: Count,
  latencyBudgetMs: Positive,
  uplinkBps: Positive,
  rank: Count.optional(),
  rankCandidates: z.array(Count).min(1).max(32),
  seed: z.number().int().nonnegative(),
  outDir: z.string(),
  shards: Count,
  alpha: Positive,
  precision: PrecisionName,
  penaltyWeight: Positive,
  queueFloorSec: z.number().nonnegative(),
  graceMs: z.number().nonnegative(),
  keptRatio: Positive.max(1),
  // Runs recorded before the flag existed ran without it.
  errorFeedback: z.boolean().default(false),
  evalRows: Count.optional(),
  maxClients: Count,
  chunkBytes: Count,
  probeBytes: Count,
  targets: z.array(LoraTargetName).min(1),
  contextWindows: Count,
  training: TrainingSettings,
  pilotSteps: Count,
  clipNorm: Positive.optional(),
});

export function settingsFromManifest(manifest: unknown): Result<RunSettings> {
  const settings =
    typeof manifest === "object" && manifest !== null && "settings" in manifest ? manifest.settings : undefined;
  const parsed = StoredSettings.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? "" : ` (settings.${issue.path.join(".")}: ${issue.message})`;
    return fail({ code: "bad-manifest", reason: `manifest.json has no usable run settings${where}` });
  }
  const { rank, evalRows, clipNorm, ...rest } = parsed.data;
  return runSettings({
    ...rest,
    ...(rank === undefined ? {} : { rank }),
    ...(evalRows === undefined ? {} : { evalRows }),
    ...(clipNorm === undefined ? {} : { clipNorm }),
  });
}
