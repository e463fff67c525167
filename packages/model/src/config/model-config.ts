// GPT-2-style decoder sizes (docs/model-and-data.md section 1). The presets are sized for this project's devices:
// `nano` keeps tests and CI fast, `tiny` is the demo model a phone fine-tunes in seconds per step.

export interface ModelConfig {
  readonly preset: string;
  readonly vocabSize: number;
  /** Context length: rows of the learned position table. */
  readonly nCtx: number;
  readonly nEmbd: number;
  readonly nLayer: number;
  readonly nHead: number;
  readonly layerNormEps: number;
}

export const PRESETS = {
  nano: { preset: "nano", vocabSize: 2048, nCtx: 64, nEmbd: 32, nLayer: 2, nHead: 2, layerNormEps: 1e-5 },
  tiny: { preset: "tiny", vocabSize: 2048, nCtx: 128, nEmbd: 128, nLayer: 4, nHead: 4, layerNormEps: 1e-5 },
} as const satisfies Record<string, ModelConfig>;

export type PresetName = keyof typeof PRESETS;

/** Every weight of the base model (tied embeddings counted once). */
export function parameterCount(config: ModelConfig): number {
  const d = config.nEmbd;
  const perBlock = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * 4 * d + 4 * d) + (4 * d * d + d);
  return config.vocabSize * d + config.nCtx * d + config.nLayer * perBlock + 2 * d;
}
