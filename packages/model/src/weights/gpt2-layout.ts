// Tensor names and shapes of a GPT-2 checkpoint (Hugging Face layout, Conv1D weights stored [in, out]), so that
// our presets and a user's GPT-2-family checkpoint load through the same code.
import { createRng, fail, ok, type Result } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import type { NamedTensor, TensorMap } from "../safetensors/safetensors";

export function gpt2Shapes(config: ModelConfig): Map<string, readonly number[]> {
  const d = config.nEmbd;
  const shapes = new Map<string, readonly number[]>([
    ["wte.weight", [config.vocabSize, d]],
    ["wpe.weight", [config.nCtx, d]],
  ]);
  for (let i = 0; i < config.nLayer; i += 1) {
    const h = `h.${String(i)}`;
    shapes.set(`${h}.ln_1.weight`, [d]).set(`${h}.ln_1.bias`, [d]);
    shapes.set(`${h}.attn.c_attn.weight`, [d, 3 * d]).set(`${h}.attn.c_attn.bias`, [3 * d]);
    shapes.set(`${h}.attn.c_proj.weight`, [d, d]).set(`${h}.attn.c_proj.bias`, [d]);
    shapes.set(`${h}.ln_2.weight`, [d]).set(`${h}.ln_2.bias`, [d]);
    shapes.set(`${h}.mlp.c_fc.weight`, [d, 4 * d]).set(`${h}.mlp.c_fc.bias`, [4 * d]);
    shapes.set(`${h}.mlp.c_proj.weight`, [4 * d, d]).set(`${h}.mlp.c_proj.bias`, [d]);
  }
  shapes.set("ln_f.weight", [d]).set("ln_f.bias", [d]);
  return shapes;
}

/** GPT-2's initialisation: N(0, 0.02), residual projections scaled by 1/sqrt(2 nLayer), LayerNorm 1 and 0. */
export function initGpt2Weights(config: ModelConfig, seed: number): Map<string, NamedTensor> {
  const rng = createRng(seed);
  const out = new Map<string, NamedTensor>();
  const projStd = 0.02 / Math.sqrt(2 * config.nLayer);
  for (const [name, shape] of gpt2Shapes(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(size);
    if (name.endsWith("ln_1.weight") || name.endsWith("ln_2.weight") || name === "ln_f.weight") data.fill(1);
    else if (!name.endsWith(".bias")) {
      const std = name.endsWith("c_proj.weight") ? projStd : 0.02;
      for (let i = 0; i < size; i += 1) data[i] = rng.normal() * std;
    }
    out.set(name, { shape, data });
  }
  return out;
}

/** Checks a checkpoint against the config: every tensor present with its shape, values finite. Accepts the
 * "transformer." prefix of GPT2LMHeadModel checkpoints and ignores the attention-mask buffers they carry. */
export function gpt2WeightsFrom(config: ModelConfig, tensors: TensorMap): Result<Map<string, NamedTensor>> {
  const out = new Map<string, NamedTensor>();
  for (const [name, shape] of gpt2Shapes(config)) {
    const tensor = tensors.get(name) ?? tensors.get(`transformer.${name}`);
    if (tensor === undefined) return fail({ code: "bad-checkpoint", reason: `missing tensor ${name}` });
    if (tensor.shape.length !== shape.length || tensor.shape.some((n, i) => n !== shape[i])) {
      return fail({
        code: "bad-checkpoint",
        reason: `${name} has shape [${tensor.shape.join(", ")}], the config needs [${shape.join(", ")}]`,
      });
    }
    if (!tensor.data.every(Number.isFinite)) return fail({ code: "bad-checkpoint", reason: `${name} has NaN or Inf` });
    out.set(name, tensor);
  }
  return ok(out);
}
