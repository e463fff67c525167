// Seeded mini-batches from a shard, as tensors the loss functions take.
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "@airlora/core";
import type { Batch } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export interface SampledBatch extends Batch {
  /** Real (unpadded) tokens in the batch, for tokens/s. */
  readonly tokenCount: number;
}

export function sampleBatch(data: TrainingExamples, batchSize: number, rng: Rng, withLabels: boolean): SampledBatch {
  const count = exampleCount(data);
  const rows = Array.from({ length: Math.min(batchSize, count) }, () => rng.int(count));
  return batchOf(data, rows, withLabels);
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
