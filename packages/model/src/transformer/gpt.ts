// The GPT-2-style decoder in tfjs (docs/model-and-data.md section 1): learned positions, pre-LayerNorm blocks, GELU
// MLP, tied embeddings. Weights are a name -> tensor map in GPT-2's layout; LoRA is added where a module is bound.
import * as tf from "@tensorflow/tfjs-core";
import type { ModelConfig } from "../config/model-config";
import type { NamedTensor } from "../safetensors/safetensors";
import { gelu } from "./gelu";
import { registerMatMulGradient } from "./matmul-gradient";
import { batchedMatMul } from "./batched-matmul";
import { lookUpRows } from "./row-lookup";

export interface GptModel {
  readonly config: ModelConfig;
  /** GPT-2 names -> tensors (frozen constants for fine-tuning, variables for pretraining). */
  readonly weights: ReadonlyMap<string, tf.Tensor>;
  /** The base model's mean classifier features on public text (see classifier-features.ts), subtracted before a
   * classifier head; absent for a model without one (tests, pretraining). */
  readonly poolingCentre?: tf.Tensor1D;
}

/** The LoRA module name of the input token embedding (GPT-2's wte): d = nEmbd, k = vocabSize. */
export const EMBEDDING_MODULE = "wte";

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

export function createGpt(
  config: ModelConfig,
  weights: ReadonlyMap<string, NamedTensor>,
  poolingCentre?: Float32Array,
): GptModel {
  registerMatMulGradient(); // wasm runs tfjs's own matMul gradient ~10x slower (see matmul-gradient.ts)
  const tensors = new Map<string, tf.Tensor>();
  for (const [name, tensor] of weights) tensors.set(name, tf.tensor(tensor.data, [...tensor.shape], "float32"));
  return {
    config,
    weights: tensors,
    ...(poolingCentre === undefined ? {} : { poolingCentre: tf.tensor1d(poolingCentre, "float32") }),
  };
}

export function disposeGpt(model: GptModel): void {
  for (const tensor of model.weights.values()) tensor.dispose();
  model.poolingCentre?.dispose();
}

/** Final hidden states [B, T, nEmbd] (after ln_f) for token ids [B, T] (int32), T <= nCtx. */
export function hiddenStates(model: GptModel, ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D {
  return finalNorm(model, residualStream(model, ids, options).final);
}

/** The residual stream through ln_f at every depth: the embeddings (depth 0), then after each block (depth 1 ..
 * nLayer, the last being `hiddenStates`); nLayer + 1 tensors [B, T, nEmbd]. A briefly pretrained model keeps much of
 * what identifies a token in the shallow depths, which a classifier can use. */
export function layerStates(model: GptModel, ids: tf.Tensor2D, options: ForwardOptions = {}): tf.Tensor3D[] {
  return residualStream(model, ids, options).depths.map((x) => finalNorm(model, x));
}

function finalNorm(model: GptModel, x: tf.Tensor): tf.Tensor3D {
  return layerNorm(
    x,
    weight(model, "ln_f.weight"),
    weight(model, "ln_f.bias"),
    model.config.layerNormEps,
  ) as tf.Tensor3D;
}

/** The residual stream before ln_f: embeddings + positions, then after each block (`depths`); `final` is the last. */
function residualStream(
  model: GptModel,
  ids: tf.Tensor2D,
  options: ForwardOptions,
): { final: tf.Tensor; depths: tf.Tensor[] } {
  const { config } = model;
  const [batch, time] = ids.shape;
  const n = config.nEmbd;
  const w = (name: string): tf.Tensor => weight(model, name);
  const tokens = tokenEmbeddings(model, ids, options);
  const positions = tf.slice(w("wpe.weight"), [0, 0], [time, n]);
  let x: tf.Tensor = tf.add(tokens, positions);
  const depths = [x];
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
    depths.push(x);
  }
  return { final: x, depths };
}

/**
 * Token embeddings [B, T, nEmbd]. A LoRA factor on "wte" (the "emb" target) adds scale * B A[:, id] to each token's
 * input embedding, a learned per-token offset in an r-dimensional subspace; the tied LM head keeps the frozen wte.
 * The offset reads column id of A by lookUpRows, whose gradient the wasm backend has (row-lookup.ts);
 * embedByMatmul (pretraining, where wte itself trains) still looks the frozen rows up by oneHot(ids) @ wte.
 */
function tokenEmbeddings(model: GptModel, ids: tf.Tensor2D, options: ForwardOptions): tf.Tensor3D {
  const { vocabSize, nEmbd } = model.config;
  const [batch, time] = ids.shape;
  const flatIds = tf.reshape<tf.Rank.R1>(ids, [batch * time]);
  const frozen = options.embedByMatmul
    ? tf.matMul(tf.oneHot(flatIds, vocabSize), weight(model, "wte.weight"))
    : tf.gather(weight(model, "wte.weight"), flatIds);
  const factors = options.lora?.modules.get(EMBEDDING_MODULE);
  if (options.lora === undefined || factors === undefined) return tf.reshape(frozen, [batch, time, nEmbd]);
  // Explicit transposes, as in withLora.
  const offsets = tf.matMul(lookUpRows(tf.transpose(factors.a), flatIds), tf.transpose(factors.b));
  return tf.reshape(tf.add(frozen, tf.mul(offsets, options.lora.scale)), [batch, time, nEmbd]);
}

/** Next-token logits [B * T, vocab] through the tied embedding. */
export function lmLogits(model: GptModel, hidden: tf.Tensor3D): tf.Tensor2D {
  const [batch, time, n] = hidden.shape;
  // An explicit transpose, not transposeB: 61 ms against 663 ms on wasm for 2,048 tokens (see matmul-gradient.ts).
  return tf.matMul(tf.reshape(hidden, [batch * time, n]), tf.transpose(weight(model, "wte.weight")));
}

function weight(model: GptModel, name: string): tf.Tensor {
  const tensor = model.weights.get(name);
  if (tensor === undefined) throw new Error(`model has no weight ${name}`); // a programming error: shapes are checked at load
  return tensor;
}

function withLora(base: tf.Tensor, input: tf.Tensor, name: string, lora: LoraBinding | undefined): tf.Tensor {
  const factors = lora?.modules.get(name);
  if (lora === undefined || factors === undefined) return base;
  // Explicit transposes rather than matMul's transposeB: tfjs-webgpu 4.22 computes x A^T wrongly through transposeB
  // when the output is small and the inner size large (the embedding's one-hot rows times A: a 64 x 4 output over
  // 2,048 tokens came out 19% off in the parity test); the transposed factors are tiny.
  const delta = tf.matMul(tf.matMul(input, tf.transpose(factors.a)), tf.transpose(factors.b));
  return tf.add(base, tf.mul(delta, lora.scale));
}

function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** -1e9 above the diagonal (a query may not see later keys), else 0; written out here rather than by bandPart,
 * which is a dozen tfjs ops per forward pass. */
function causalMask(time: number): tf.Tensor2D {
  const values = new Float32Array(time * time);
  for (let query = 0; query < time; query += 1) values.fill(-1e9, query * time + query + 1, (query + 1) * time);
  return tf.tensor2d(values, [time, time]);
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
  // [B * T, n] -> [B * heads, T, headDim] (or [B * heads, headDim, T] for the keys, transposed here rather than by a
  // matMul flag: see batched-matmul.ts and withLora).
  const perHead = (t: tf.Tensor, order: number[], shape: [number, number]): tf.Tensor3D =>
    tf.reshape(tf.transpose(tf.reshape(t, [batch, time, heads, headDim]), order), [batch * heads, ...shape]);
  const queries = perHead(q, [0, 2, 1, 3], [time, headDim]);
  const keys = perHead(k, [0, 2, 3, 1], [headDim, time]);
  const values = perHead(v, [0, 2, 1, 3], [time, headDim]);
  const scores = tf.add(tf.div(batchedMatMul(queries, keys), Math.sqrt(headDim)), mask);
  const mixed = tf.reshape(batchedMatMul(tf.softmax(scores) as tf.Tensor3D, values), [batch, heads, time, headDim]);
  return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch * time, n]);
}
