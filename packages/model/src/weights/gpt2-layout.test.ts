import { describe, expect, it } from "vitest";
import { PRESETS, parameterCount } from "../config/model-config";
import { readSafetensors, writeSafetensors, type NamedTensor } from "../safetensors/safetensors";
import { gpt2Shapes, gpt2WeightsFrom, initGpt2Weights } from "./gpt2-layout";

const config = PRESETS.nano;

describe("GPT-2 layout", () => {
  it("counts the same parameters as the shapes it lists", () => {
    for (const preset of Object.values(PRESETS)) {
      const total = [...gpt2Shapes(preset).values()].reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
      expect(parameterCount(preset)).toBe(total);
    }
  });

  it("loads a synthetic GPT2LMHeadModel-style checkpoint with the transformer. prefix and mask buffers", () => {
    const weights = initGpt2Weights(config, 1);
    const prefixed = new Map<string, NamedTensor>();
    for (const [name, tensor] of weights) prefixed.set(`transformer.${name}`, tensor);
    prefixed.set("transformer.h.0.attn.bias", { shape: [1, 1, 64, 64], data: new Float32Array(64 * 64) });
    const read = readSafetensors(writeSafetensors(prefixed, { format: "pt" }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const loaded = gpt2WeightsFrom(config, read.value.tensors);
    expect(loaded.ok).toBe(true);
    if (loaded.ok)
      expect(loaded.value.get("h.1.mlp.c_fc.weight")?.data).toEqual(weights.get("h.1.mlp.c_fc.weight")?.data);
  });

  it("names the missing or misshapen tensor when a checkpoint does not fit the config", () => {
    const weights = initGpt2Weights(config, 1);
    const missing = new Map(weights);
    missing.delete("ln_f.bias");
    const a = gpt2WeightsFrom(config, missing);
    expect(!a.ok && a.error.reason).toBe("missing tensor ln_f.bias");
    const misshapen = new Map(weights).set("wpe.weight", { shape: [32, 32], data: new Float32Array(1024) });
    const b = gpt2WeightsFrom(config, misshapen);
    expect(!b.ok && b.error.reason).toMatch(/^wpe.weight has shape \[32, 32\]/u);
  });

  it("initialises deterministically from the seed", () => {
    expect(initGpt2Weights(config, 3).get("wte.weight")?.data).toEqual(
      initGpt2Weights(config, 3).get("wte.weight")?.data,
    );
    expect(initGpt2Weights(config, 3).get("wte.weight")?.data).not.toEqual(
      initGpt2Weights(config, 4).get("wte.weight")?.data,
    );
  });
});
