// A fixed, seeded training situation (nano model, a non-trivial adapter, a small batch) that every backend can
// rebuild identically: the input of the backend parity check in the browser and of its Node twin.
import { createRng, type AdapterSpec, type AdapterState } from "@airlora/core";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import type { NamedTensor } from "../safetensors/safetensors";
import { initGpt2Weights } from "../weights/gpt2-layout";
import type { TrainingExamples } from "./training-data";

export interface ParityFixture {
  readonly config: typeof PRESETS.nano;
  readonly weights: Map<string, NamedTensor>;
  readonly spec: AdapterSpec;
  readonly task: TaskHead;
  readonly adapter: AdapterState;
  readonly data: TrainingExamples;
  readonly softLambda: number;
}

export function parityFixture(seed = 7): ParityFixture {
  const config = PRESETS.nano;
  const task: TaskHead = { kind: "classifier", classes: 2 };
  // The default targets plus the embedding, whose LoRA path (oneHot matmul) differs from the projections'.
  const spec = adapterSpecFor(config, { rank: 4, targets: ["emb", "q", "v"], head: task });
  const rng = createRng(seed);
  // B != 0 so that A receives a gradient too (at the LoRA init B = 0 and dL/dA vanishes).
  const adapter: AdapterState = {
    modules: spec.modules.map((m) => ({
      a: Float32Array.from({ length: m.rank * m.k }, () => rng.normal() * 0.2),
      b: Float32Array.from({ length: m.d * m.rank }, () => rng.normal() * 0.2),
    })),
    dense: spec.dense.map((t) =>
      Float32Array.from({ length: t.shape.reduce((x, y) => x * y, 1) }, () => rng.normal() * 0.1),
    ),
  };
  const seqLen = 16;
  const count = 4;
  const data: TrainingExamples = {
    seqLen,
    tokens: Uint16Array.from({ length: count * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
    lengths: Uint16Array.from({ length: count }, (_, i) => seqLen - 3 * i),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 2),
  };
  return { config, weights: initGpt2Weights(config, seed), spec, task, adapter, data, softLambda: 0.1 };
}
