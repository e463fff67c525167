import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type LoraTarget } from "../lora/lora-targets";
import { trainedLookingAdapter } from "./export-test-helpers";
import { PEFT_PREFIX, peftAdapter } from "./peft-adapter";

const config = PRESETS.nano;
const n = config.nEmbd;
const lm = { kind: "lm" } as const;

/** Every GPT-2 module PEFT could wrap in GPT2LMHeadModel's transformer, by its name there. */
const gpt2Modules = [
  "transformer.wte",
  "transformer.wpe",
  ...Array.from({ length: config.nLayer }, (_, l) =>
    ["attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"].map((m) => `transformer.h.${String(l)}.${m}`),
  ).flat(),
];

/** PEFT's rule for a list of target_modules: the name is an entry, or ends in "." and an entry. */
function selected(targetModules: readonly string[]): string[] {
  return gpt2Modules.filter((name) => targetModules.some((t) => name === t || name.endsWith(`.${t}`)));
}

function exported(targets: LoraTarget[], rank = 2, alpha = 6) {
  const spec = adapterSpecFor(config, { rank, alpha, targets, head: lm });
  const state = trainedLookingAdapter(spec, 4);
  const peft = peftAdapter(spec, state, lm, "airlora-nano");
  if (!peft.ok) throw new Error(peft.error.reason);
  return { spec, state, ...peft.value };
}

describe("peftAdapter", () => {
  it("names the tensors after GPT2LMHeadModel's modules and selects exactly those modules by suffix", () => {
    const { tensors, config: peft } = exported(["emb", "q", "k", "v", "o", "mlp"]);
    const modules = new Set([...tensors.keys()].map((k) => k.replace(/\.lora_(?:embedding_)?[AB](?:\.weight)?$/u, "")));
    expect([...tensors.keys()].filter((k) => k.includes("wte")).sort()).toEqual([
      `${PEFT_PREFIX}wte.lora_embedding_A`,
      `${PEFT_PREFIX}wte.lora_embedding_B`,
    ]);
    expect(tensors.has(`${PEFT_PREFIX}h.1.attn.c_attn.lora_A.weight`)).toBe(true);
    expect(
      selected(peft.target_modules)
        .map((m) => `base_model.model.${m}`)
        .sort(),
    ).toEqual([...modules].sort());
    expect(peft).toMatchObject({ peft_type: "LORA", task_type: "CAUSAL_LM", fan_in_fan_out: true, bias: "none" });
  });

  it("keeps o apart from the MLP's c_proj: attn.c_proj alone selects the attention projections", () => {
    const { config: peft } = exported(["o"]);
    expect(peft.target_modules).toEqual(["attn.c_proj"]);
    expect(selected(peft.target_modules)).toEqual(["transformer.h.0.attn.c_proj", "transformer.h.1.attn.c_proj"]);
    expect(selected(exported(["mlp"]).config.target_modules)).toEqual([
      "transformer.h.0.mlp.c_fc",
      "transformer.h.0.mlp.c_proj",
      "transformer.h.1.mlp.c_fc",
      "transformer.h.1.mlp.c_proj",
    ]);
  });

  it("fuses q and v into one c_attn adapter of rank 2r: A stacked, B block-structured with zeros for k", () => {
    const { spec, state, tensors, config: peft } = exported(["q", "v"], 2, 6);
    const r = 2;
    const a = tensors.get(`${PEFT_PREFIX}h.0.attn.c_attn.lora_A.weight`);
    const b = tensors.get(`${PEFT_PREFIX}h.0.attn.c_attn.lora_B.weight`);
    expect(a?.shape).toEqual([2 * r, n]);
    expect(b?.shape).toEqual([3 * n, 2 * r]);
    const q = state.modules[spec.modules.findIndex((m) => m.name === "h.0.attn.q")];
    const v = state.modules[spec.modules.findIndex((m) => m.name === "h.0.attn.v")];
    if (a === undefined || b === undefined || q === undefined || v === undefined) throw new Error("missing tensors");
    expect([...a.data]).toEqual([...q.a, ...v.a]);
    for (let row = 0; row < 3 * n; row += 1) {
      for (let c = 0; c < 2 * r; c += 1) {
        const value = b.data[row * 2 * r + c];
        const block = Math.floor(row / n);
        const j = row % n;
        if (block === 0 && c < r) expect(value).toBe(q.b[j * r + c]);
        else if (block === 2 && c >= r) expect(value).toBe(v.b[j * r + c - r]);
        else expect(value).toBe(0);
      }
    }
    // Only c_attn is adapted, so the config's r is its rank, and alpha keeps alpha / r = 6 / 2.
    expect(peft).toMatchObject({ r: 4, lora_alpha: 12, rank_pattern: {}, alpha_pattern: {} });
  });

  it("gives c_attn its own rank and alpha when other modules keep r, so every scale stays alpha / r", () => {
    const { config: peft } = exported(["q", "k", "v", "o"], 2, 6);
    expect(peft).toMatchObject({ r: 2, lora_alpha: 6, rank_pattern: { c_attn: 6 }, alpha_pattern: { c_attn: 18 } });
    expect(peft.target_modules).toEqual(["c_attn", "attn.c_proj"]);
  });

  it("has no task type for a classifier (its head is not PEFT's to carry) and copies the factors of o as they are", () => {
    const head = { kind: "classifier", classes: 2 } as const;
    const spec = adapterSpecFor(config, { rank: 2, targets: ["o"], head });
    const state = trainedLookingAdapter(spec, 8);
    const peft = peftAdapter(spec, state, head, "airlora-nano");
    if (!peft.ok) throw new Error(peft.error.reason);
    expect(peft.value.config.task_type).toBeNull();
    expect([...peft.value.tensors.keys()].some((k) => k.includes("head"))).toBe(false);
    expect(peft.value.tensors.get(`${PEFT_PREFIX}h.1.attn.c_proj.lora_B.weight`)?.data).toEqual(state.modules[1]?.b);
  });
});
