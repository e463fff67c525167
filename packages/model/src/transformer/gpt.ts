// The GPT-2-style decoder in tfjs (DESIGN.md section 5): learned positions, pre-LayerNorm blocks, GELU MLP, tied
// embeddings. Weights are a name -> tensor map in GPT-2's layout; LoRA factors are added where a module is bound.
import * as tf from "@tensorflow/tfjs-core";
import type { ModelConfig } from "../config/model-config";
import type { NamedTensor } from "../safetensors/safetensors";

export interface GptModel {
  readonly config: ModelConfig;
  /** GPT-2 names -> tensors (frozen constants for fine-tuning, variables for pretraining). */
  readonly weights: ReadonlyMap<string, tf.Tensor>;
}

/** LoRA factors bound to module names (see lora-targets.ts): the layer adds scale * x A^T B^T. */
export interface LoraBinding {
  readonly scale: number;
  readonly modules: ReadonlyMap<string, { readonly a: tf.Tensor; readonly b: tf.Tensor }>;
}

export interface ForwardOptions {
  readonly lora?: LoraBinding;
  /** Look embeddings up by oneHot(ids) @ wte instead of gather: the wasm backend has no gather gradient, so
   * pretraining (which trains wte) needs this there. */
  readonly embedByMatmul?: boolean;
}

export function createGpt(config: ModelConfig, weights: ReadonlyMap<string, NamedTensor>): GptModel {
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, tensor] of weights) tensors.set(name, tf.tensor(tensor.data, [...tensor.shape], "float32"));
  return { config, weights: tensors };
}

export function disposeGpt(model: GptModel): void {
  for (const tensor of model.weights.values()) tensor.dispose();
}

/** Final hidden states [B, T, nEmbd] (after ln_f) for token ids [B, T] (int32), T <= nCtx. */
export function hiddenStates(model: GptModel, ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D {
  const { config } = model;
  const [batch, time] = ids.shape;
  const n = config.nEmbd;
  const w = (name: string): tf.Tensor => weight(model, name);
  const tokens = options.embedByMatmul
    ? tf.reshape(
        tf.matMul(tf.reshape(tf.oneHot(ids, config.vocabSize), [batch * time, config.vocabSize]), w("wte.weight")),
        [batch, time, n],
      )
    : tf.gather(w("wte.weight"), ids);
  const positions = tf.slice(w("wpe.weight"), [0, 0], [time, n]);
  let x: tf.Tensor = tf.add(tokens, positions);
  const mask = causalMask(time);
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    const h = `h.${String(layer)}`;
    const attnIn = tf.reshape(layerNorm(x, w(`${h}.ln_1.weight`), w(`${h}.ln_1.bias`), config.layerNormEps), [
      batch * time,
      n,
    ]);
    const qkv = tf.add(tf.matMul(attnIn, w(`${h}.attn.c_attn.weight`)), w(`${h}.attn.c_attn.bias`));
    const [q0, k0, v0] = tf.split(qkv, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const q = withLora(q0, attnIn, `${h}.attn.q`, options.lora);
    const k = withLora(k0, attnIn, `${h}.attn.k`, options.lora);
    const v = withLora(v0, attnIn, `${h}.attn.v`, options.lora);
    const attended = attention(q, k, v, mask, batch, time, config.nHead, n);
    const projected = withLora(
      tf.add(tf.matMul(attended, w(`${h}.attn.c_proj.weight`)), w(`${h}.attn.c_proj.bias`)),
      attended,
      `${h}.attn.o`,
      options.lora,
    );
    x = tf.add(x, tf.reshape(projected, [batch, time, n]));

    const mlpIn = tf.reshape(layerNorm(x, w(`${h}.ln_2.weight`), w(`${h}.ln_2.bias`), config.layerNormEps), [
      batch * time,
      n,
    ]);
    const fc = withLora(
      tf.add(tf.matMul(mlpIn, w(`${h}.mlp.c_fc.weight`)), w(`${h}.mlp.c_fc.bias`)),
      mlpIn,
      `${h}.mlp.fc`,
      options.lora,
    );
    const activated = gelu(fc);
    const out = withLora(
      tf.add(tf.matMul(activated, w(`${h}.mlp.c_proj.weight`)), w(`${h}.mlp.c_proj.bias`)),
      activated,
      `${h}.mlp.proj`,
      options.lora,
    );
    x = tf.add(x, tf.reshape(out, [batch, time, n]));
  }
  return layerNorm(x, w("ln_f.weight"), w("ln_f.bias"), config.layerNormEps) as tf.Tensor3D;
}

/** Next-token logits [B * T, vocab] through the tied embedding. */
export function lmLogits(model: GptModel, hidden: tf.Tensor3D): tf.Tensor2D {
  const [batch, time, n] = hidden.shape;
  return tf.matMul(tf.reshape(hidden, [batch * time, n]), weight(model, "wte.weight"), false, true);
}

/** The mean of each sequence's final hidden states over its real tokens [B, nEmbd] (sequences are right-padded).
 * Mean pooling gives a small, briefly pretrained model a steadier summary than the last token alone. */
export function meanTokenStates(hidden: tf.Tensor3D, lengths: tf.Tensor1D): tf.Tensor2D {
  const time = hidden.shape[1];
  const positions = tf.expandDims(tf.range(0, time, 1, "int32"), 0); // [1, T]
  const mask = tf.cast(tf.less(positions, tf.expandDims(lengths, 1)), "float32"); // [B, T]
  const summed = tf.sum(tf.mul(hidden, tf.expandDims(mask, 2)), 1); // [B, d]
  return tf.div(summed, tf.expandDims(tf.cast(lengths, "float32"), 1));
}

function weight(model: GptModel, name: string): tf.Tensor {
  const tensor = model.weights.get(name);
  if (tensor === undefined) throw new Error(`model has no weight ${name}`); // a programming error: shapes are checked at load
  return tensor;
}

function withLora(base: tf.Tensor, input: tf.Tensor, name: string, lora: LoraBinding | undefined): tf.Tensor {
  const factors = lora?.modules.get(name);
  if (lora === undefined || factors === undefined) return base;
  const delta = tf.matMul(tf.matMul(input, factors.a, false, true), factors.b, false, true);
  return tf.add(base, tf.mul(delta, lora.scale));
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** GPT-2's tanh approximation of GELU. */
function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

function causalMask(time: number): tf.Tensor2D {
  const upper = tf.sub(tf.ones([time, time]), tf.linalg.bandPart(tf.ones([time, time]), -1, 0));
  return tf.mul<tf.Tensor2D>(upper, -1e9);
}

function attention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  mask: tf.Tensor2D,
  batch: number,
  time: number,
  heads: number,
  n: number,
): tf.Tensor2D {
  const headDim = n / heads;
  const split = (t: tf.Tensor): tf.Tensor4D => tf.transpose(tf.reshape(t, [batch, time, heads, headDim]), [0, 2, 1, 3]);
  const scores = tf.add(tf.div(tf.matMul(split(q), split(k), false, true), Math.sqrt(headDim)), mask);
  const mixed = tf.matMul(tf.softmax(scores), split(v)); // [B, heads, T, headDim]
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch * time, n]);
}
