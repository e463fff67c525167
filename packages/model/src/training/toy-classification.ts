// A learnable toy classification shard for tests: the class is decided by which token block a row starts with.
import { createRng } from "@airlora/core";
import type { TrainingExamples } from "./training-data";

export function toyClassification(count: number, seed: number): TrainingExamples {
  const rng = createRng(seed);
  const seqLen = 12;
  const tokens = new Uint16Array(count * seqLen);
  const lengths = new Uint16Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i += 1) {
    const label = rng.int(2);
    labels[i] = label;
    lengths[i] = 6 + rng.int(seqLen - 6);
    tokens[i * seqLen] = (label === 1 ? 300 : 600) + rng.int(10);
    for (let t = 1; t < (lengths[i] ?? 0); t += 1) tokens[i * seqLen + t] = 1000 + rng.int(500);
  }
  return { seqLen, tokens, lengths, labels };
}
