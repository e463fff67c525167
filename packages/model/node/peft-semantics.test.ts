// The PEFT export read the way PEFT reads it, by code that shares nothing with the exporter but the safetensors
// reader: adapter_config.json decides which modules are wrapped and with what r and lora_alpha, each module's
// weight becomes W + (lora_alpha / r) (B A), transposed for fan_in_fan_out (Conv1D) and for embeddings, and the
// merged committed base model must give the logits AirLoRA's own LoRA forward gives.
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { NamedTensor } from "@airlora/core";
import { encodeUtf8, decodeUtf8Strict } from "../src/text-codec";
import { maxAbsDifference, taskLogits, tokenRows, trainedLookingAdapter } from "../src/export/export-test-helpers";
import { peftAdapter } from "../src/export/peft-adapter";
import { adapterSpecFor, type LoraTarget, type TaskHead } from "../src/lora/lora-targets";
import { readSafetensors, writeSafetensors } from "../src/safetensors/safetensors";
import { createGpt, disposeGpt, type GptModel } from "../src/transformer/gpt";
import type { PresetName } from "../src/config/model-config";
import { loadBaseModel } from "./load-model";

interface PeftConfigFile {
  r: number;
  lora_alpha: number;
  target_modules: string[];
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  fan_in_fan_out: boolean;
  use_rslora: boolean;
}

/** PEFT's get_pattern_key: the first pattern p with `(.*\.)?(p)$` matching the module name. */
function patternValue(patterns: Record<string, number>, module: string, fallback: number): number {
  for (const [pattern, value] of Object.entries(patterns)) {
    if (new RegExp(`^(.*\\.)?(${pattern})$`, "u").test(module)) return value;
  }
  return fallback;
}

/** base weights (GPT-2 names, no "transformer.") + the PEFT files -> merged weights, as PEFT merges. */
function applyPeft(
  base: ReadonlyMap<string, NamedTensor>,
  adapterFile: Uint8Array,
  configFile: Uint8Array,
): Map<string, NamedTensor> {
  const config = JSON.parse(decodeUtf8Strict(configFile)) as PeftConfigFile;
  expect(config.use_rslora).toBe(false);
  const file = readSafetensors(adapterFile);
  if (!file.ok) throw new Error(file.error.reason);
  const out = new Map([...base].map(([name, t]) => [name, { shape: t.shape, data: Float64Array.from(t.data) }]));
  const modules = new Set<string>();
  for (const key of file.value.tensors.keys()) {
    const match = /^base_model\.model\.(.+)\.(lora_A\.weight|lora_embedding_A)$/u.exec(key);
    if (match?.[1] !== undefined) modules.add(`${match[1]}|${match[2] === "lora_embedding_A" ? "emb" : "linear"}`);
  }
  let applied = 0;
  for (const entry of modules) {
    const [module = "", kind] = entry.split("|");
    // Only modules that target_modules selects get wrapped; a stray tensor would be ignored by PEFT.
    expect(config.target_modules.some((t) => module === t || module.endsWith(`.${t}`))).toBe(true);
    const names =
      kind === "emb"
        ? [`${module}.lora_embedding_A`, `${module}.lora_embedding_B`]
        : [`${module}.lora_A.weight`, `${module}.lora_B.weight`];
    const a = file.value.tensors.get(`base_model.model.${names[0] ?? ""}`);
    const b = file.value.tensors.get(`base_model.model.${names[1] ?? ""}`);
    if (a === undefined || b === undefined) throw new Error(`${module}: A or B missing`);
    const r = patternValue(config.rank_pattern, module, config.r);
    const alpha = patternValue(config.alpha_pattern, module, config.lora_alpha);
    const [rank, inFeatures] = a.shape;
    const [outFeatures, rankB] = b.shape;
    expect([rank, rankB]).toEqual([r, r]);
    const weightName = `${module.replace(/^transformer\./u, "")}.weight`;
    const w = out.get(weightName);
    if (w === undefined || inFeatures === undefined || outFeatures === undefined) throw new Error(`no ${weightName}`);
    // delta = scaling * B A, [out, in]. Conv1D stores [in, out] (fan_in_fan_out); an Embedding's delta is always
    // transposed to its [vocab, n]. Both cases add delta^T, so w[i, o] += scaling * sum_c B[o, c] A[c, i].
    expect(kind === "emb" || config.fan_in_fan_out).toBe(true);
    expect(w.shape).toEqual([inFeatures, outFeatures]);
    const scaling = alpha / r;
    for (let i = 0; i < inFeatures; i += 1) {
      for (let o = 0; o < outFeatures; o += 1) {
        let sum = 0;
        for (let c = 0; c < r; c += 1) sum += (b.data[o * r + c] ?? 0) * (a.data[c * inFeatures + i] ?? 0);
        w.data[i * outFeatures + o] = (w.data[i * outFeatures + o] ?? 0) + scaling * sum;
      }
    }
    applied += 1;
  }
  expect(applied).toBeGreaterThan(0);
  return new Map([...out].map(([name, t]) => [name, { shape: t.shape, data: Float32Array.from(t.data) }]));
}

const cases: [PresetName, string, LoraTarget[], TaskHead][] = [
  ["nano", "spam classifier, every target", ["emb", "q", "k", "v", "o", "mlp"], { kind: "classifier", classes: 2 }],
  ["nano", "language model, q and v (the defaults)", ["q", "v"], { kind: "lm" }],
  ["nano", "language model, every target", ["emb", "q", "k", "v", "o", "mlp"], { kind: "lm" }],
  ["tiny", "spam classifier, the run defaults", ["emb", "q", "v", "o", "mlp"], { kind: "classifier", classes: 2 }],
];

describe("the PEFT export applied with PEFT's semantics to the committed base model", () => {
  for (const [preset, what, targets, head] of cases) {
    it(`${preset}, ${what}: gives AirLoRA's LoRA logits within 1e-4`, async () => {
      await tf.setBackend("cpu");
      const files = loadBaseModel(preset);
      if (!files.ok) throw new Error(files.error.reason);
      const { config, weights, poolingCentre } = files.value;
      const spec = adapterSpecFor(config, { rank: 4, targets, head });
      const state = trainedLookingAdapter(spec, 17);
      const peft = peftAdapter(spec, state, head, `airlora-${preset}`);
      if (!peft.ok) throw new Error(peft.error.reason);
      const adapterFile = writeSafetensors(peft.value.tensors);
      const configFile = encodeUtf8(JSON.stringify(peft.value.config));

      const rows = tokenRows(2, 24, config.vocabSize, 3);
      const models: GptModel[] = [];
      try {
        const base = createGpt(config, weights, poolingCentre);
        const merged = createGpt(config, applyPeft(weights, adapterFile, configFile), poolingCentre);
        models.push(base, merged);
        const ours = taskLogits(base, head, rows, { adapter: { spec, state } });
        // An LM with an emb adapter: PEFT wraps transformer.wte only, so GPT2LMHeadModel's lm_head still reads the
        // base wte (its unmerged forward); the merged wte serves the input side.
        const lmHeadOf = head.kind === "lm" && targets.includes("emb") ? base : merged;
        const theirs = taskLogits(merged, head, rows, { headValues: state.dense, lmHeadOf });
        const difference = maxAbsDifference(ours, theirs);
        expect(difference).toBeLessThan(1e-4);
        expect(maxAbsDifference(ours, taskLogits(base, head, rows, { headValues: state.dense }))).toBeGreaterThan(1e-2);
      } finally {
        models.forEach(disposeGpt);
      }
    });
  }
});
