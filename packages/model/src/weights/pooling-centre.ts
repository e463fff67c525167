// The pooling centre of a base model (models/<preset>/pooling-centre.safetensors): one float32 tensor
// "pooling.centre" of classifierFeatureWidth values that every classifier subtracts from its features (see
// src/transformer/classifier-features.ts). Parsed from bytes so browsers and Node read it the same way.
import { fail, ok, type Result } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import { readSafetensors } from "../safetensors/safetensors";
import { classifierFeatureWidth } from "../transformer/classifier-features";

export const POOLING_CENTRE_FILE = "pooling-centre.safetensors";
export const POOLING_CENTRE_TENSOR = "pooling.centre";

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
