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

/** The first `windowTokens` of every row (rows shorter than that are returned as they are). */
export function firstWindows(data: TrainingExamples, windowTokens: number): TrainingExamples {
  if (data.seqLen <= windowTokens) return data;
  const count = exampleCount(data);
  const tokens = new Uint16Array(count * windowTokens);
  for (let row = 0; row < count; row += 1) {
    tokens.set(data.tokens.subarray(row * data.seqLen, row * data.seqLen + windowTokens), row * windowTokens);
  }
  return {
    ...data,
    seqLen: windowTokens,
    tokens,
    lengths: data.lengths.map((length) => Math.min(length, windowTokens)),
  };
}
