// An AirLoRA adapter in Hugging Face PEFT's LoRA layout for GPT2LMHeadModel (docs/interfaces.md section 6): the
// tensors of adapter_model.safetensors and the fields of adapter_config.json.
//
// PEFT's semantics, which the mapping keeps exactly: a Conv1D module (weight [in, out], hence fan_in_fan_out) with
// lora_A.weight [r, in] and lora_B.weight [out, r] adds (lora_alpha / r) (B A)^T to its weight; an Embedding adds
// (lora_alpha / r) (lora_embedding_B lora_embedding_A)^T, lora_embedding_A [r, vocab], lora_embedding_B [n, r].
// Ours: a module W (d x k) adds (alpha / r) B A, A [r, k], B [d, r], and stores W as [k, d], so A and B carry over
// unchanged for o (attn.c_proj), mlp (mlp.c_fc, mlp.c_proj) and emb (wte). GPT-2 fuses q | k | v into one c_attn
// [n, 3n]: adapters on q, k, v of a layer are together one c_attn adapter of rank R = (number of them) r, A = the
// factors' A stacked, B [3n, R] block-structured (B_q in q's rows and columns, zeros elsewhere), and lora_alpha
// R alpha / r so that lora_alpha / R = alpha / r, the scale every module has (rank_pattern / alpha_pattern).
import { fail, ok, type AdapterSpec, type AdapterState, type NamedTensor, type Result } from "@airlora/core";
import type { TaskHead } from "../lora/lora-targets";
import { EMBEDDING_MODULE } from "../transformer/gpt";
import { gpt2SiteOf } from "./gpt2-sites";

/** Module names in PEFT's files are the model's own, behind PeftModel's "base_model.model." prefix. */
export const PEFT_PREFIX = "base_model.model.transformer.";

/** adapter_config.json as PEFT's LoraConfig reads it (fields we do not use keep PEFT's defaults). */
export interface PeftLoraConfig {
  readonly peft_type: "LORA";
  readonly task_type: "CAUSAL_LM" | null;
  readonly base_model_name_or_path: string;
  readonly r: number;
  readonly lora_alpha: number;
  readonly target_modules: readonly string[];
  readonly rank_pattern: Readonly<Record<string, number>>;
  readonly alpha_pattern: Readonly<Record<string, number>>;
  readonly fan_in_fan_out: true;
  readonly lora_dropout: 0;
  readonly bias: "none";
  readonly use_rslora: false;
  readonly use_dora: false;
  readonly modules_to_save: null;
  readonly init_lora_weights: true;
  readonly inference_mode: true;
  readonly layers_to_transform: null;
  readonly layers_pattern: null;
  readonly revision: null;
}

export interface PeftAdapter {
  /** adapter_model.safetensors */
  readonly tensors: Map<string, NamedTensor>;
  /** adapter_config.json */
  readonly config: PeftLoraConfig;
}

/** `target_modules` entry per GPT-2 module kind: PEFT matches a module whose name is the entry or ends in "." plus
 * it, so "attn.c_proj" (o) and "mlp.c_proj" (mlp) stay apart. */
function targetModuleOf(gpt2Module: string): string {
  if (gpt2Module === "wte") return "wte";
  return gpt2Module.replace(/^h\.\d+\./u, "").replace(/^(?:attn|mlp)\.(c_attn|c_fc)$/u, "$1");
}

interface Group {
  readonly module: string;
  readonly blocks: number;
  readonly d: number;
  readonly k: number;
  readonly parts: {
    readonly block: number;
    readonly rank: number;
    readonly a: Float32Array;
    readonly b: Float32Array;
  }[];
}

/**
 * PEFT's tensors and config for an adapter (see the header); `head` says which task the base model serves
 * (CAUSAL_LM for an LM head; a classifier head has no PEFT counterpart and stays out of these files).
 */
export function peftAdapter(
  spec: AdapterSpec,
  state: AdapterState,
  head: TaskHead,
  baseModel: string,
): Result<PeftAdapter> {
  const groups = new Map<string, Group>();
  let rank: number | undefined;
  for (const [index, module] of spec.modules.entries()) {
    const values = state.modules[index];
    const site = gpt2SiteOf(module.name);
    if (values === undefined || site === undefined) {
      return fail({ code: "no-peft-equivalent", reason: `module ${module.name} has no GPT-2 module in PEFT's layout` });
    }
    if (rank !== undefined && module.rank !== rank) {
      return fail({
        code: "no-peft-equivalent",
        reason: `${module.name} has rank ${String(module.rank)}, not ${String(rank)}: one scale alpha / r needs one r`,
      });
    }
    rank = module.rank;
    const group = groups.get(site.module) ?? {
      module: site.module,
      blocks: site.blocks,
      d: module.d,
      k: module.k,
      parts: [],
    };
    group.parts.push({ block: site.block, rank: module.rank, a: values.a, b: values.b });
    groups.set(site.module, group);
  }
  if (rank === undefined) return fail({ code: "no-peft-equivalent", reason: "the adapter has no LoRA modules" });
  const scale = spec.alpha / rank;
  const fused = [...groups.values()].map((group) => ({ group, ...fuse(group) }));
  // One r for the config: the fused rank if every module has it (q and v alone: one c_attn of rank 2 r), else r,
  // with the fused c_attn's rank and alpha as patterns.
  const ranks = new Set(fused.map((f) => f.rank));
  const configRank = ranks.size === 1 ? (fused[0]?.rank ?? rank) : rank;
  const tensors = new Map<string, NamedTensor>();
  const targetModules: string[] = [];
  const rankPattern: Record<string, number> = {};
  const alphaPattern: Record<string, number> = {};
  for (const { group, a, b, rank: fusedRank } of fused) {
    const name = `${PEFT_PREFIX}${group.module}`;
    if (group.module === EMBEDDING_MODULE) {
      tensors.set(`${name}.lora_embedding_A`, a).set(`${name}.lora_embedding_B`, b);
    } else {
      tensors.set(`${name}.lora_A.weight`, a).set(`${name}.lora_B.weight`, b);
    }
    const target = targetModuleOf(group.module);
    if (!targetModules.includes(target)) targetModules.push(target);
    if (fusedRank !== configRank) {
      rankPattern[target] = fusedRank;
      alphaPattern[target] = scale * fusedRank;
    }
  }
  return ok({
    tensors,
    config: {
      peft_type: "LORA",
      task_type: head.kind === "lm" ? "CAUSAL_LM" : null,
      base_model_name_or_path: baseModel,
      r: configRank,
      lora_alpha: scale * configRank,
      target_modules: targetModules,
      rank_pattern: rankPattern,
      alpha_pattern: alphaPattern,
      fan_in_fan_out: true,
      lora_dropout: 0,
      bias: "none",
      use_rslora: false,
      use_dora: false,
      modules_to_save: null,
      init_lora_weights: true,
      inference_mode: true,
      layers_to_transform: null,
      layers_pattern: null,
      revision: null,
    },
  });
}

/** One module's A [R, k] and B [blocks d, R] from its parts, in block order (q, k, v), B zero off each part's
 * block. A single part on a single-block module comes out as it went in. */
function fuse(group: Group): { a: NamedTensor; b: NamedTensor; rank: number } {
  const parts = [...group.parts].sort((x, y) => x.block - y.block);
  const rank = parts.reduce((sum, part) => sum + part.rank, 0);
  const { d, k } = group;
  const rows = group.blocks * d;
  const a = new Float32Array(rank * k);
  const b = new Float32Array(rows * rank);
  let offset = 0;
  for (const part of parts) {
    a.set(part.a, offset * k);
    for (let j = 0; j < d; j += 1) {
      for (let c = 0; c < part.rank; c += 1)
        b[(part.block * d + j) * rank + offset + c] = part.b[j * part.rank + c] ?? 0;
    }
    offset += part.rank;
  }
  return { a: { shape: [rank, k], data: a }, b: { shape: [rows, rank], data: b }, rank };
}
