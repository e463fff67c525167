// Loads a committed base model (models/<preset>/): config, weights and tokenizer, each validated.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import { PRESETS, type ModelConfig, type PresetName } from "../src/config/model-config";
import { readSafetensors, type NamedTensor } from "../src/safetensors/safetensors";
import { parseTokenizerVocab, type TokenizerVocab } from "../src/tokenizer/tokenizer-vocab";
import { gpt2WeightsFrom } from "../src/weights/gpt2-layout";
import { POOLING_CENTRE_FILE, parsePoolingCentre } from "./pooling-centre-file";
import { REPO_ROOT } from "./repo-paths";

export interface BaseModelFiles {
  readonly config: ModelConfig;
  readonly weights: Map<string, NamedTensor>;
  readonly vocab: TokenizerVocab;
  readonly modelBytes: Uint8Array;
  /** What a classifier subtracts from its features (pooling-centre-file.ts). */
  readonly poolingCentre: Float32Array;
}

export function modelDir(preset: PresetName): string {
  return join(REPO_ROOT, "models", preset);
}

export function loadBaseModel(preset: PresetName, dir: string = modelDir(preset)): Result<BaseModelFiles> {
  try {
    const config = PRESETS[preset];
    const stored: unknown = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    if (JSON.stringify(stored) !== JSON.stringify(config)) {
      return fail({ code: "bad-model", reason: `${dir}/config.json does not match the ${preset} preset` });
    }
    const modelBytes = readFileSync(join(dir, "model.safetensors"));
    const file = readSafetensors(modelBytes);
    if (!file.ok) return file;
    const weights = gpt2WeightsFrom(config, file.value.tensors);
    if (!weights.ok) return weights;
    const vocab = parseTokenizerVocab(JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")));
    if (!vocab.ok) return vocab;
    const poolingCentre = parsePoolingCentre(config, readFileSync(join(dir, POOLING_CENTRE_FILE)));
    if (!poolingCentre.ok) return poolingCentre;
    return ok({ config, weights: weights.value, vocab: vocab.value, modelBytes, poolingCentre: poolingCentre.value });
  } catch (error) {
    return fail({ code: "bad-model", reason: `${dir}: ${error instanceof Error ? error.message : String(error)}` });
  }
}
