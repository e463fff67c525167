// A client's (or the evaluator's) share of a task, as fixed-length rows of token ids: the unit the coordinator
// prepares once, sends as a compact binary (shard-codec.ts) and the browser caches.
import { type Result, fail, ok } from "@airlora/core";
import { PAD_ID } from "../tokenizer/tokenizer-vocab";

export const TASKS = ["spam", "sotu"] as const;
export type TaskName = (typeof TASKS)[number];

/** Classes of a classification task; 0 for a language-modelling task (no labels). */
export const TASK_CLASSES: Readonly<Record<TaskName, number>> = { spam: 2, sotu: 0 };

export interface Shard {
  readonly task: TaskName;
  /**
   * Row length. Classification (spam): the model's input length. Language modelling (sotu): context + 1, each row
   * gives inputs row[0..seqLen-1) and next-token targets row[1..seqLen).
   */
  readonly seqLen: number;
  readonly vocabSize: number;
  /** count * seqLen ids, row-major; after a row's length only PAD_ID (0). */
  readonly tokens: Uint16Array;
  /** Real (unpadded) length of each row, 1..seqLen. */
  readonly lengths: Uint16Array;
  /** One class per row for classification tasks (spam: 0 ham, 1 spam); absent for language modelling. */
  readonly labels?: Uint8Array;
}

export const MAX_SHARD_SEQ_LEN = 65535;
export const MAX_SHARD_VOCAB_SIZE = 65536;

export function shardExampleCount(shard: Shard): number {
  return shard.lengths.length;
}

const invalid = (reason: string) => fail({ code: "invalid-shard", reason });

/** Checks every invariant above; the codec runs it on both sides. */
export function checkShard(shard: Shard): Result<Shard> {
  const { task, seqLen, vocabSize, tokens, lengths, labels } = shard;
  if (!TASKS.includes(task)) return invalid(`unknown task ${task}`);
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > MAX_SHARD_SEQ_LEN) return invalid(`seqLen ${seqLen}`);
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > MAX_SHARD_VOCAB_SIZE) {
    return invalid(`vocabSize ${vocabSize}`);
  }
  const count = lengths.length;
  if (tokens.length !== count * seqLen) return invalid(`${tokens.length} tokens for ${count} rows of ${seqLen}`);
  for (let row = 0; row < count; row += 1) {
    const length = lengths[row] ?? 0;
    if (length < 1 || length > seqLen) return invalid(`row ${row} has length ${length}`);
    for (let t = 0; t < seqLen; t += 1) {
      const id = tokens[row * seqLen + t] ?? 0;
      if (id >= vocabSize) return invalid(`row ${row} has id ${id} >= vocabSize ${vocabSize}`);
      if (t < length === (id === PAD_ID)) return invalid(`row ${row}: padding must fill exactly the tail`);
    }
  }
  const classes = TASK_CLASSES[task];
  if (classes === 0) {
    if (labels !== undefined) return invalid(`task ${task} has no labels`);
  } else {
    if (labels?.length !== count) return invalid(`task ${task} needs one label per row`);
    for (const label of labels) if (label >= classes) return invalid(`label ${label} >= ${classes} classes`);
  }
  return ok(shard);
}
