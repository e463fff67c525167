import "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { NamedTensor } from "@airlora/core";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type LoraTarget, type TaskHead } from "../lora/lora-targets";
import { createGpt, disposeGpt, type GptModel } from "../transformer/gpt";
import { useNanoModel } from "../transformer/nano-test-model";
import { initGpt2Weights } from "../weights/gpt2-layout";
import { maxAbsDifference, taskLogits, tokenRows, trainedLookingAdapter } from "./export-test-helpers";
import { TIED_EMBEDDING_REASON, mergeAdapter } from "./merge-adapter";

const config = PRESETS.nano;
const nanoModel = useNanoModel(5);
const baseWeights = initGpt2Weights(config, 5); // the same weights useNanoModel(5) holds
const rows = tokenRows(3, 12, config.vocabSize, 9);

function mergedModel(weights: ReadonlyMap<string, NamedTensor>): GptModel {
  return createGpt(config, weights);
}

describe("mergeAdapter", () => {
  const cases: [string, LoraTarget[], TaskHead][] = [
    [
      "a classifier with every target, emb included",
      ["emb", "q", "k", "v", "o", "mlp"],
      { kind: "classifier", classes: 2 },
    ],
    ["an LM with q, k, v, o and mlp", ["q", "k", "v", "o", "mlp"], { kind: "lm" }],
    ["an LM with q and v (two blocks of c_attn)", ["q", "v"], { kind: "lm" }],
  ];
  for (const [what, targets, head] of cases) {
    it(`gives the LoRA forward's logits from plain weights: ${what}`, () => {
      const spec = adapterSpecFor(config, { rank: 3, alpha: 5, targets, head });
      const state = trainedLookingAdapter(spec, 21);
      const merged = mergeAdapter(config, baseWeights, spec, state, head);
      if (!merged.ok) throw new Error(merged.error.reason);
      const model = mergedModel(merged.value);
      try {
        const lora = taskLogits(nanoModel(), head, rows, { adapter: { spec, state } });
        const plain = taskLogits(model, head, rows, { headValues: state.dense });
        expect(maxAbsDifference(lora, plain)).toBeLessThan(1e-4);
        // The adapter matters: without it the logits are elsewhere.
        expect(
          maxAbsDifference(lora, taskLogits(nanoModel(), head, rows, { headValues: state.dense })),
        ).toBeGreaterThan(1e-2);
      } finally {
        disposeGpt(model);
      }
    });
  }

  it("refuses an emb adapter on an LM head, saying that GPT-2 ties wte to the LM head", () => {
    const spec = adapterSpecFor(config, { rank: 2, targets: ["emb", "q"], head: { kind: "lm" } });
    const merged = mergeAdapter(config, baseWeights, spec, trainedLookingAdapter(spec, 1), { kind: "lm" });
    expect(merged).toEqual({ ok: false, error: { code: "not-mergeable", reason: TIED_EMBEDDING_REASON } });
    expect(TIED_EMBEDDING_REASON).toContain("ties wte to the LM head");
  });

  it("leaves the base weights as they were and changes only the adapted weights", () => {
    const spec = adapterSpecFor(config, { rank: 2, targets: ["o"], head: { kind: "lm" } });
    const before = new Map([...baseWeights].map(([name, t]) => [name, t.data.slice()]));
    const merged = mergeAdapter(config, baseWeights, spec, trainedLookingAdapter(spec, 2), { kind: "lm" });
    if (!merged.ok) throw new Error(merged.error.reason);
    for (const [name, tensor] of baseWeights) {
      expect(tensor.data).toEqual(before.get(name));
      const changed = merged.value.get(name)?.data.some((x, i) => x !== tensor.data[i]);
      expect(changed).toBe(/^h\.\d\.attn\.c_proj\.weight$/u.test(name));
    }
  });

  it("refuses base weights that lack a tensor", () => {
    const spec = adapterSpecFor(config, { rank: 2, head: { kind: "lm" } });
    const partial = new Map(baseWeights);
    partial.delete("h.1.mlp.c_fc.bias");
    const merged = mergeAdapter(config, partial, spec, trainedLookingAdapter(spec, 3), { kind: "lm" });
    expect(merged.ok ? "" : merged.error.reason).toContain("h.1.mlp.c_fc.bias");
  });
});
