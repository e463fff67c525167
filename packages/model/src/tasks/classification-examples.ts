// Classification rows: each example's token ids, cut to the first `seqLen` (the start of an email carries the
// subject and the opening lines) and padded with PAD_ID; `lengths` keeps the real length for pooling and masks.
import { EOS_ID, PAD_ID } from "../tokenizer/tokenizer-vocab";
import type { Shard, TaskName } from "./shard";

export interface TokenizedExample {
  readonly ids: ArrayLike<number>;
  readonly label: number;
}

/** An empty example becomes the single token EOS_ID, so every row has length >= 1. */
export function classificationShard(
  task: TaskName,
  examples: readonly TokenizedExample[],
  seqLen: number,
  vocabSize: number,
): Shard {
  const tokens = new Uint16Array(examples.length * seqLen).fill(PAD_ID);
  const lengths = new Uint16Array(examples.length);
  const labels = new Uint8Array(examples.length);
  examples.forEach(({ ids, label }, row) => {
    const length = Math.min(ids.length, seqLen);
    for (let t = 0; t < length; t += 1) tokens[row * seqLen + t] = ids[t] ?? PAD_ID;
    if (length === 0) tokens[row * seqLen] = EOS_ID;
    lengths[row] = Math.max(length, 1);
    labels[row] = label;
  });
  return { task, seqLen, vocabSize, tokens, lengths, labels };
}
