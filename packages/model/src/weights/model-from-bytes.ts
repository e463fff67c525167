// A base model from the bytes of its files (what a participant downloads): weights checked against the preset's
// GPT-2 layout, the pooling centre against its width. Never throws on bad bytes.
import { ok, type Result } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import { readSafetensors } from "../safetensors/safetensors";
import { createGpt, type GptModel } from "../transformer/gpt";
import { gpt2WeightsFrom } from "./gpt2-layout";
import { parsePoolingCentre } from "./pooling-centre";

export function modelFromBytes(
  config: ModelConfig,
  weightBytes: Uint8Array,
  poolingCentreBytes: Uint8Array,
): Result<GptModel> {
  const file = readSafetensors(weightBytes);
  if (!file.ok) return file;
  const weights = gpt2WeightsFrom(config, file.value.tensors);
  if (!weights.ok) return weights;
  const centre = parsePoolingCentre(config, poolingCentreBytes);
  if (!centre.ok) return centre;
  return ok(createGpt(config, weights.value, centre.value));
}
