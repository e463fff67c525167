// The pooling centre file of a base model (models/<preset>/pooling-centre.safetensors): one float32 tensor
// "pooling.centre" of classifierFeatureWidth values, measured on the held-out pretraining text (see
// src/transformer/classifier-features.ts for why a classifier subtracts it).
import { join } from "node:path";
import { writeSafetensors } from "../src/safetensors/safetensors";
import { createTokenizer } from "../src/tokenizer/tokenizer";
import type { TokenizerVocab } from "../src/tokenizer/tokenizer-vocab";
import { measurePoolingCentre } from "../src/transformer/classifier-features";
import type { GptModel } from "../src/transformer/gpt";
import { consecutiveWindows } from "../src/training/lm-windows";
import { loadPretrainingText } from "./corpus";
import { POOLING_CENTRE_FILE, POOLING_CENTRE_TENSOR } from "../src/weights/pooling-centre";
import { writeFileAtomic } from "./files";

export { POOLING_CENTRE_FILE, POOLING_CENTRE_TENSOR, parsePoolingCentre } from "../src/weights/pooling-centre";

/** Held-out windows the centre averages over (about 20 s for tiny on wasm). */
export const POOLING_CENTRE_WINDOWS = 256;

/** Measures the centre of `model` on the held-out pretraining text and writes it into `dir`. */
export async function writePoolingCentre(model: GptModel, vocab: TokenizerVocab, dir: string): Promise<Float32Array> {
  const { nCtx } = model.config;
  const validation = createTokenizer(vocab).encode(loadPretrainingText().validation);
  const rows = consecutiveWindows(validation, nCtx, POOLING_CENTRE_WINDOWS);
  const centre = await measurePoolingCentre(model, rows, nCtx);
  const bytes = writeSafetensors(new Map([[POOLING_CENTRE_TENSOR, { shape: [centre.length], data: centre }]]), {
    airlora_preset: model.config.preset,
    windows: String(rows.length / nCtx),
    source: "held-out pretraining text (Brown + Moby Dick validation split)",
  });
  writeFileAtomic(join(dir, POOLING_CENTRE_FILE), bytes);
  return centre;
}
