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
  const windows = rows.map((row) => {
    const length = Math.max(1, Math.min(data.seqLen, data.lengths[row] ?? data.seqLen));
    const start = rng.int(Math.ceil(length / windowTokens)) * windowTokens;
    return { row, start, length: Math.min(windowTokens, length - start) };
  });
  return windowBatchOf(data, windows, windowTokens, withLabels);
}

function windowBatchOf(
  data: TrainingExamples,
  windows: readonly { row: number; start: number; length: number }[],
  windowTokens: number,
  withLabels: boolean,
): SampledBatch {
  const tokens = new Int32Array(windows.length * windowTokens);
  windows.forEach(({ row, start }, i) => {
    const from = row * data.seqLen + start;
    tokens.set(data.tokens.subarray(from, from + windowTokens), i * windowTokens);
  });
  return {
    tokens: tf.tensor2d(tokens, [windows.length, windowTokens], "int32"),
    lengths: tf.tensor1d(
      Int32Array.from(windows, (w) => w.length),
      "int32",
    ),
    ...(withLabels
      ? {
          labels: tf.tensor1d(
            Int32Array.from(windows, (w) => data.labels?.[w.row] ?? 0),
            "int32",
          ),
        }
      : {}),
    tokenCount: windows.reduce((sum, w) => sum + w.length, 0),
  };
}

/** The examples at `rows`, in order (evaluation walks the shard with this). */
export function batchOf(data: TrainingExamples, rows: readonly number[], withLabels: boolean): SampledBatch {
  const { seqLen } = data;
  const tokens = new Int32Array(rows.length * seqLen);
  const lengths = new Int32Array(rows.length);
  const labels = new Int32Array(rows.length);
  let tokenCount = 0;
  rows.forEach((row, i) => {
    tokens.set(data.tokens.subarray(row * seqLen, (row + 1) * seqLen), i * seqLen);
    const length = Math.max(1, Math.min(seqLen, data.lengths[row] ?? seqLen));
    lengths[i] = length;
    labels[i] = data.labels?.[row] ?? 0;
    tokenCount += length;
  });
  return {
    tokens: tf.tensor2d(tokens, [rows.length, seqLen], "int32"),
    lengths: tf.tensor1d(lengths, "int32"),
    ...(withLabels ? { labels: tf.tensor1d(labels, "int32") } : {}),
    tokenCount,
  };
}
