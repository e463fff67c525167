// A LoRA adapter merged into the base weights (docs/interfaces.md section 6): every bound module's W (d x k) becomes
// W + (alpha / r) B A, which in GPT-2's [in, out] layout is adding (alpha / r) (B A)^T to the module's column block.
// The result is a plain GPT-2-layout checkpoint that the model loader reads as any base model.
import { fail, ok, type AdapterSpec, type AdapterState, type Result } from "@airlora/core";
import type { ModelConfig } from "../config/model-config";
import type { NamedTensor } from "../safetensors/safetensors";
import type { TaskHead } from "../lora/lora-targets";
import { EMBEDDING_MODULE } from "../transformer/gpt";
import { gpt2Shapes } from "../weights/gpt2-layout";
import { gpt2SiteOf } from "./gpt2-sites";

/** Why an embedding adapter on a language-modelling task cannot be merged into a GPT-2 file. */
export const TIED_EMBEDDING_REASON =
  "the emb adapter shifts the input token embeddings only, while GPT-2 ties wte to the LM head: merged into wte it " +
  "would change the LM head too, so no GPT-2-layout file gives the same next-token logits. Export it unmerged " +
  "(--format peft or safetensors), where the LM head keeps the base wte";

/**
 * The base weights with the adapter added in, as new tensors (the base map is not touched). Refused, with the
 * reason, for an `emb` adapter on an LM head (TIED_EMBEDDING_REASON) and for a module or weight that does not fit.
 * A classifier's head stays in the adapter: it is not part of a GPT-2 checkpoint.
 */
export function mergeAdapter(
  config: ModelConfig,
  base: ReadonlyMap<string, NamedTensor>,
  spec: AdapterSpec,
  state: AdapterState,
  head: TaskHead,
): Result<Map<string, NamedTensor>> {
  if (head.kind === "lm" && spec.modules.some((m) => m.name === EMBEDDING_MODULE)) {
    return fail({ code: "not-mergeable", reason: TIED_EMBEDDING_REASON });
  }
  const merged = new Map<string, NamedTensor>();
  for (const [name, shape] of gpt2Shapes(config)) {
    const tensor = base.get(name);
    if (tensor === undefined) return fail({ code: "bad-checkpoint", reason: `the base model lacks ${name}` });
    if (tensor.data.length !== shape.reduce((x, y) => x * y, 1)) {
      return fail({ code: "bad-checkpoint", reason: `${name} does not have the shape [${shape.join(", ")}]` });
    }
    merged.set(name, { shape: [...shape], data: tensor.data.slice() });
  }
  for (const [index, module] of spec.modules.entries()) {
    const values = state.modules[index];
    const site = gpt2SiteOf(module.name);
    const target = site === undefined ? undefined : merged.get(site.weight);
    if (values === undefined || site === undefined || target === undefined) {
      return fail({ code: "not-mergeable", reason: `module ${module.name} has no place in a GPT-2 checkpoint` });
    }
    const [rows, columns] = target.shape;
    if (rows !== module.k || columns !== site.blocks * module.d) {
      return fail({
        code: "not-mergeable",
        reason: `${module.name} (d ${String(module.d)}, k ${String(module.k)}) does not fit ${site.weight} [${target.shape.join(", ")}]`,
      });
    }
    addScaledTransposedProduct(
      target.data,
      columns,
      site.block * module.d,
      values.a,
      values.b,
      module,
      spec.alpha / module.rank,
    );
  }
  return ok(merged);
}

/** w[i, offset + j] += scale * sum_r a[r, i] b[j, r] for i < k, j < d: (scale B A)^T into a column block of a
 * row-major [k, columns] weight. Each sum is taken in double precision and rounded once. */
function addScaledTransposedProduct(
  w: Float32Array,
  columns: number,
  offset: number,
  a: Float32Array,
  b: Float32Array,
  shape: { readonly d: number; readonly k: number; readonly rank: number },
  scale: number,
): void {
  const { d, k, rank: r } = shape;
  for (let i = 0; i < k; i += 1) {
    const row = i * columns + offset;
    for (let j = 0; j < d; j += 1) {
      let sum = 0;
      for (let c = 0; c < r; c += 1) sum += (a[c * k + i] ?? 0) * (b[j * r + c] ?? 0);
      w[row + j] = (w[row + j] ?? 0) + scale * sum;
    }
  }
}
