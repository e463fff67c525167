// Which frozen weights carry LoRA factors (docs/model-and-data.md section 2) and the adapter spec that follows from it.
// Module names: h.<layer>.attn.{q,k,v,o} and h.<layer>.mlp.{fc,proj}; q, k, v are the three column blocks of
// GPT-2's fused c_attn, o is attn.c_proj, "mlp" targets both MLP projections, "emb" the input token embedding
// (module "wte": d = nEmbd, k = vocabSize, one A column per token, so the adapter learns per-token offsets).
import { fail, ok, type AdapterSpec, type LoraModuleSpec, type Result } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import { TASK_CLASSES, type TaskName } from "../tasks/shard";
import { classifierFeatureWidth } from "../transformer/classifier-features";
import { EMBEDDING_MODULE } from "../transformer/gpt";

export const LORA_TARGETS = ["emb", "q", "k", "v", "o", "mlp"] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];
export const DEFAULT_TARGETS: readonly LoraTarget[] = ["q", "v"];

/** Targets written as a comma-separated list ("emb,q,v"), as the scripts take them and adapter files record them. */
export function parseLoraTargets(list: string): Result<LoraTarget[]> {
  const targets: LoraTarget[] = [];
  for (const name of list.split(",")) {
    const target = LORA_TARGETS.find((known) => known === name);
    if (target === undefined) {
      return fail({ code: "unknown-target", reason: `LoRA target "${name}" is not one of ${LORA_TARGETS.join(", ")}` });
    }
    targets.push(target);
  }
  return ok(targets);
}

/** The task head on top of the final hidden state: a classifier (trained densely) or the tied LM head. */
export type TaskHead = { readonly kind: "classifier"; readonly classes: number } | { readonly kind: "lm" };

/** The head a task trains: a classifier of its classes, or the LM head for a language-modelling task. */
export function taskHead(task: TaskName): TaskHead {
  const classes = TASK_CLASSES[task];
  return classes === 0 ? { kind: "lm" } : { kind: "classifier", classes };
}

export interface AdapterOptions {
  readonly rank: number;
  /** LoRA scale numerator (update = alpha / r * B A); defaults to 2 r, a common choice for small ranks. */
  readonly alpha?: number;
  readonly targets?: readonly LoraTarget[];
  readonly head: TaskHead;
}

export function adapterSpecFor(config: ModelConfig, options: AdapterOptions): AdapterSpec {
  const targets = new Set(options.targets ?? DEFAULT_TARGETS);
  const n = config.nEmbd;
  const r = options.rank;
  const modules: LoraModuleSpec[] = [];
  if (targets.has("emb")) modules.push({ name: EMBEDDING_MODULE, d: n, k: config.vocabSize, rank: r });
  for (let layer = 0; layer < config.nLayer; layer += 1) {
    const h = `h.${String(layer)}`;
    for (const target of ["q", "k", "v", "o"] as const) {
      if (targets.has(target)) modules.push({ name: `${h}.attn.${target}`, d: n, k: n, rank: r });
    }
    if (targets.has("mlp")) {
      modules.push({ name: `${h}.mlp.fc`, d: 4 * n, k: n, rank: r });
      modules.push({ name: `${h}.mlp.proj`, d: n, k: 4 * n, rank: r });
    }
  }
  const dense =
    options.head.kind === "classifier"
      ? [
          { name: "head.weight", shape: [classifierFeatureWidth(config), options.head.classes] },
          { name: "head.bias", shape: [options.head.classes] },
        ]
      : [];
  return { modules, dense, alpha: options.alpha ?? 2 * r };
}
