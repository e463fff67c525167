// What the export tests share: an adapter that looks trained (B not zero, a head with weight in it) and the logits a
// model gives with and without its LoRA factors bound, through the forward pass the participants train with.
import * as tf from "@tensorflow/tfjs-core";
import { createRng, initAdapter, type AdapterSpec, type AdapterState } from "@airlora/core";
import { bindAdapter, disposeBound } from "../lora/adapter-binding";
import type { TaskHead } from "../lora/lora-targets";
import { hiddenStates, lmLogits, type GptModel } from "../transformer/gpt";
import { classifierLogits } from "../training/task-loss";

/** A's orthonormal init, B and the dense tensors drawn N(0, std^2), so every module changes the output. */
export function trainedLookingAdapter(spec: AdapterSpec, seed: number, std = 0.2): AdapterState {
  const start = initAdapter(spec, seed);
  const rng = createRng(seed + 1);
  const noise = (length: number): Float32Array => Float32Array.from({ length }, () => rng.normal() * std);
  return {
    modules: start.modules.map((m) => ({ a: m.a, b: noise(m.b.length) })),
    dense: start.dense.map((d) => noise(d.length)),
  };
}

/** Token rows [rows, time] (int32 ids below `vocab`) with their real lengths, seeded. */
export function tokenRows(
  rows: number,
  time: number,
  vocab: number,
  seed: number,
): { tokens: number[][]; lengths: number[] } {
  const rng = createRng(seed);
  const tokens = Array.from({ length: rows }, () => Array.from({ length: time }, () => 2 + rng.int(vocab - 2)));
  const lengths = Array.from({ length: rows }, (_, i) => time - (i % 3));
  return { tokens, lengths };
}

/**
 * The task's logits as a flat array: a classifier's [rows, classes] through `headValues` (head.weight, head.bias),
 * an LM's [rows * time, vocab]. With `adapter` its LoRA factors are bound (AirLoRA's own LoRA forward); `lmHeadOf`
 * reads the LM head from another model (PEFT's unmerged GPT2LMHeadModel keeps lm_head on the base wte).
 */
export function taskLogits(
  model: GptModel,
  head: TaskHead,
  rows: { tokens: number[][]; lengths: number[] },
  options: {
    adapter?: { spec: AdapterSpec; state: AdapterState };
    headValues?: readonly Float32Array[];
    lmHeadOf?: GptModel;
  } = {},
): Float32Array {
  const bound =
    options.adapter === undefined
      ? undefined
      : bindAdapter(options.adapter.spec, options.adapter.state, { a: false, b: false, dense: false });
  try {
    return tf.tidy(() => {
      const tokens = tf.tensor2d(rows.tokens, undefined, "int32");
      const lora = bound === undefined ? {} : { lora: bound.binding };
      let logits: tf.Tensor;
      if (head.kind === "lm") {
        logits = lmLogits(options.lmHeadOf ?? model, hiddenStates(model, tokens, lora));
      } else {
        const given = options.headValues;
        const headTensors: tf.Tensor[] =
          given === undefined
            ? [...(bound?.dense ?? [])]
            : [
                tf.tensor2d(given[0] ?? [], [(given[0]?.length ?? 0) / head.classes, head.classes]),
                tf.tensor1d(given[1] ?? []),
              ];
        logits = classifierLogits(model, { tokens, lengths: tf.tensor1d(rows.lengths, "int32") }, headTensors, lora);
      }
      return Float32Array.from(logits.dataSync());
    });
  } finally {
    if (bound !== undefined) disposeBound(bound);
  }
}

export function maxAbsDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return Number.POSITIVE_INFINITY;
  let max = 0;
  for (let i = 0; i < x.length; i += 1) max = Math.max(max, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
  return max;
}
