// The pooling centre file of a base model (models/<preset>/pooling-centre.safetensors): one float32 tensor
// "pooling.centre" of classifierFeatureWidth values, measured on the held-out pretraining text (see
// src/transformer/classifier-features.ts for why a classifier subtracts it).
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import type { ModelConfig } from "../src/config/model-config";
import { readSafetensors, writeSafetensors } from "../src/safetensors/safetensors";
import { createTokenizer } from "../src/tokenizer/tokenizer";
import type { TokenizerVocab } from "../src/tokenizer/tokenizer-vocab";
import { classifierFeatureWidth, measurePoolingCentre } from "../src/transformer/classifier-features";
import type { GptModel } from "../src/transformer/gpt";
import { consecutiveWindows } from "../src/training/lm-windows";
import { loadPretrainingText } from "./corpus";
import { writeFileAtomic } from "./files";

export const POOLING_CENTRE_FILE = "pooling-centre.safetensors";
export const POOLING_CENTRE_TENSOR = "pooling.centre";
/** Held-out windows the centre averages over (about 20 s for tiny on wasm). */
export const POOLING_CENTRE_WINDOWS = 256;

export function parsePoolingCentre(config: ModelConfig, bytes: Uint8Array): Result<Float32Array> {
  const file = readSafetensors(bytes);
  if (!file.ok) return file;
  const tensor = file.value.tensors.get(POOLING_CENTRE_TENSOR);
  const width = classifierFeatureWidth(config);
  if (tensor === undefined || tensor.shape.length !== 1 || tensor.shape[0] !== width) {
    return fail({
      code: "bad-model",
      reason: `${POOLING_CENTRE_FILE} must hold ${POOLING_CENTRE_TENSOR} [${String(width)}]`,
    });
  }
  if (!tensor.data.every(Number.isFinite)) {
    return fail({ code: "bad-model", reason: `${POOLING_CENTRE_FILE} holds a value that is not finite` });
  }
  return ok(Float32Array.from(tensor.data));
}

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
