// Seeded random classification rows for the benchmarks: token ids and labels drawn uniformly, every row full.
import { createRng } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import type { TrainingExamples } from "../training/training-data";

export function randomClassificationRows(config: ModelConfig, rows: number, seqLen: number): TrainingExamples {
  const rng = createRng(2);
  return {
    seqLen,
    tokens: Uint16Array.from({ length: rows * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
    lengths: new Uint16Array(rows).fill(seqLen),
    labels: Uint8Array.from({ length: rows }, () => rng.int(2)),
  };
}
