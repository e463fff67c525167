// The calibration slice: rows carved from a task's training split before the client partition, so that they are
// on no client and not in the evaluation set. The coordinator reads them for the TSFA stage-1 pilot (the short
// fine-tune whose importance spectrum picks the LoRA rank, training/pilot.ts) and may fit the round-0 head on
// them; a client never sees them.
import { type Result, type Rng, fail, ok } from "@airlora/core";
import { apportion } from "./dirichlet-partition";
import { shuffled } from "./shuffle";
import { indicesByLabel } from "./stratified-split";

/** The default slice, when `calibrationRows` is absent or 0: 5% of the training rows, at most 256 (a pilot of a few
 * dozen steps of batch 8 draws from them with replacement; more would only be taken from the clients), at least 1. */
export const DEFAULT_CALIBRATION_ROWS = 256;
export const DEFAULT_CALIBRATION_FRACTION = 0.05;

export function defaultCalibrationRows(trainingRows: number): number {
  return Math.max(1, Math.min(DEFAULT_CALIBRATION_ROWS, Math.round(DEFAULT_CALIBRATION_FRACTION * trainingRows)));
}

/** The slice size for `requested` (absent or 0: the default); it must leave training rows for the clients. */
export function calibrationRowCount(requested: number | undefined, trainingRows: number): Result<number> {
  const rows = requested === undefined || requested === 0 ? defaultCalibrationRows(trainingRows) : requested;
  if (!Number.isInteger(rows) || rows < 1 || rows >= trainingRows) {
    return fail({
      code: "invalid-calibration-rows",
      reason: `calibrationRows must be a whole number in [1, ${String(trainingRows - 1)}] (got ${String(rows)})`,
    });
  }
  return ok(rows);
}

/** `count` of the indices 0..labels.length-1, each class in proportion to its share (largest remainder), drawn by
 * a seeded shuffle within the class; ascending. count <= labels.length. */
export function stratifiedSample(labels: ArrayLike<number>, count: number, rng: Rng): number[] {
  const byLabel = [...indicesByLabel(labels).values()];
  const quotas = apportion(
    byLabel.map((indices) => indices.length / labels.length),
    count,
  );
  return byLabel.flatMap((indices, c) => shuffled(indices, rng).slice(0, quotas[c] ?? 0)).sort((a, b) => a - b);
}
