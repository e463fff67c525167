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

/** A base model's config, weights and tokenizer: what measuring its pooling centre needs. */
export interface BaseWeightFiles {
  readonly config: ModelConfig;
  readonly weights: Map<string, NamedTensor>;
  readonly vocab: TokenizerVocab;
  readonly modelBytes: Uint8Array;
}

export interface BaseModelFiles extends BaseWeightFiles {
  /** What a classifier subtracts from its features (pooling-centre-file.ts). */
  readonly poolingCentre: Float32Array;
}

export function modelDir(preset: PresetName): string {
  return join(REPO_ROOT, "models", preset);
}

/** The whole base model, pooling centre included: what fine-tuning and serving load. */
export function loadBaseModel(preset: PresetName, dir: string = modelDir(preset)): Result<BaseModelFiles> {
  const base = loadBaseWeights(preset, dir);
  if (!base.ok) return base;
  return guarded(dir, () => {
    const poolingCentre = parsePoolingCentre(base.value.config, readFileSync(join(dir, POOLING_CENTRE_FILE)));
    return poolingCentre.ok ? ok({ ...base.value, poolingCentre: poolingCentre.value }) : poolingCentre;
  });
}

/** Config, weights and tokenizer without the pooling centre (which is measured from them). */
export function loadBaseWeights(preset: PresetName, dir: string = modelDir(preset)): Result<BaseWeightFiles> {
  return guarded(dir, () => {
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
    return ok({ config, weights: weights.value, vocab: vocab.value, modelBytes });
  });
}

/** Missing files and malformed JSON become a bad-model error naming the folder. */
function guarded<T>(dir: string, load: () => Result<T>): Result<T> {
  try {
    return load();
  } catch (error) {
    return fail({ code: "bad-model", reason: `${dir}: ${error instanceof Error ? error.message : String(error)}` });
  }
}
