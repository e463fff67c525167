// What the trainer reads: fixed-length, right-padded token sequences (a task shard, see tasks/). Classification
// examples carry a label; LM examples are windows of seqLen tokens predicting tokens 1..seqLen-1.
export interface TrainingExamples {
  readonly seqLen: number;
  /** count * seqLen token ids, row-major. */
  readonly tokens: Uint16Array;
  /** Real length of each example before padding (>= 1). */
  readonly lengths: Uint16Array;
  /** One class per example for classification tasks. */
  readonly labels?: Uint8Array;
}

export function exampleCount(data: TrainingExamples): number {
  return data.lengths.length;
}
