// Row selection and counting on shards.
import { type Shard, TASK_CLASSES } from "./shard";

/** The rows at the given indices, in that order. */
export function selectRows(shard: Shard, rows: readonly number[]): Shard {
  const { seqLen } = shard;
  const tokens = new Uint16Array(rows.length * seqLen);
  rows.forEach((row, i) => {
    tokens.set(shard.tokens.subarray(row * seqLen, (row + 1) * seqLen), i * seqLen);
  });
  const lengths = Uint16Array.from(rows, (row) => shard.lengths[row] ?? 0);
  const base = { task: shard.task, seqLen, vocabSize: shard.vocabSize, tokens, lengths };
  const { labels } = shard;
  return labels === undefined ? base : { ...base, labels: Uint8Array.from(rows, (row) => labels[row] ?? 0) };
}

/** At most `limit` rows, evenly spaced (row floor(i * count / limit)), so every part of the shard is represented. */
export function evenlySpacedRows(shard: Shard, limit: number): Shard {
  const count = shard.lengths.length;
  if (!(limit < count)) return shard;
  const n = Math.max(0, Math.floor(limit));
  return selectRows(
    shard,
    Array.from({ length: n }, (_, i) => Math.floor((i * count) / n)),
  );
}

export function shardTokenCount(shard: Shard): number {
  return shard.lengths.reduce((a, b) => a + b, 0);
}

/** Rows per class, or undefined for a task without labels. */
export function shardLabelCounts(shard: Shard): number[] | undefined {
  const classes = TASK_CLASSES[shard.task];
  if (shard.labels === undefined || classes === 0) return undefined;
  const counts = new Array<number>(classes).fill(0);
  for (const label of shard.labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}
