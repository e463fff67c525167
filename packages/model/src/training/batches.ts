// Seeded mini-batches from a shard, as tensors the loss functions take.
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "@airlora/core";
import type { Batch } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export interface SampledBatch extends Batch {
  /** Real (unpadded) tokens in the batch, for tokens/s. */
  readonly tokenCount: number;
}

/**
 * `batchSize` rows drawn with replacement. With `windowTokens` (the model's context) set and rows longer than it,
 * each drawn row gives one random window of that many tokens, every window that holds tokens equally likely: a
 * step costs one context whatever the row length, and over the steps the whole email is read.
 */
export function sampleBatch(
  data: TrainingExamples,
  batchSize: number,
  rng: Rng,
  withLabels: boolean,
  windowTokens?: number,
): SampledBatch {
  const count = exampleCount(data);
  const rows = Array.from({ length: Math.min(batchSize, count) }, () => rng.int(count));
  if (windowTokens === undefined || data.seqLen <= windowTokens) return batchOf(data, rows, withLabels);
  if (data.seqLen % windowTokens !== 0) {
    throw new Error(`rows of ${String(data.seqLen)} tokens are not whole windows of ${String(windowTokens)}`);
  }
  const windows = rows.map((row): RowSlice => {
    const length = realLength(data, row);
    const start = rng.int(Math.ceil(length / windowTokens)) * windowTokens;
    return { row, start, length: Math.min(windowTokens, length - start) };
  });
  return sliceBatch(data, windows, windowTokens, withLabels);
}

/** The examples at `rows`, in order (evaluation walks the shard with this). */
export function batchOf(data: TrainingExamples, rows: readonly number[], withLabels: boolean): SampledBatch {
  const whole = rows.map((row): RowSlice => ({ row, start: 0, length: realLength(data, row) }));
  return sliceBatch(data, whole, data.seqLen, withLabels);
}

/** `width` tokens of a row from `start`, of which the first `length` are real. */
interface RowSlice {
  readonly row: number;
  readonly start: number;
  readonly length: number;
}

/** A row's real length, at least 1 and at most seqLen. */
function realLength(data: TrainingExamples, row: number): number {
  return Math.max(1, Math.min(data.seqLen, data.lengths[row] ?? data.seqLen));
}

function sliceBatch(
  data: TrainingExamples,
  slices: readonly RowSlice[],
  width: number,
  withLabels: boolean,
): SampledBatch {
  const tokens = new Int32Array(slices.length * width);
  slices.forEach(({ row, start }, i) => {
    const from = row * data.seqLen + start;
    tokens.set(data.tokens.subarray(from, from + width), i * width);
  });
  return {
    tokens: tf.tensor2d(tokens, [slices.length, width], "int32"),
    lengths: tf.tensor1d(
      Int32Array.from(slices, (s) => s.length),
      "int32",
    ),
    ...(withLabels
      ? {
          labels: tf.tensor1d(
            Int32Array.from(slices, (s) => data.labels?.[s.row] ?? 0),
            "int32",
          ),
        }
      : {}),
    tokenCount: slices.reduce((sum, s) => sum + s.length, 0),
  };
}
