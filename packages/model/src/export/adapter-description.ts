// What an adapter is, in the words adapterSpecFor takes (rank, alpha, targets, head), and how a checkpoint carries
// it in its safetensors metadata so the file describes itself (docs/interfaces.md section 6).
import { fail, ok, type AdapterSpec, type Result } from "@airlora/core";
import { LORA_TARGETS, parseLoraTargets, type LoraTarget, type TaskHead } from "../lora/lora-targets";
import { EMBEDDING_MODULE } from "../transformer/gpt";

export interface AdapterDescription {
  readonly rank: number;
  /** The update is (alpha / rank) B A on every module. */
  readonly alpha: number;
  /** In LORA_TARGETS order. */
  readonly targets: readonly LoraTarget[];
  readonly head: TaskHead;
}

/** The metadata keys a checkpoint carries besides airlora_run, round, preset and task. */
export const ADAPTER_METADATA_KEYS = ["lora_rank", "lora_alpha", "lora_targets", "head"] as const;

/** Rank, alpha, targets and head of a spec built by adapterSpecFor; refused for any other spec (mixed ranks, a
 * module or dense tensor adapterSpecFor never makes). */
export function describeSpec(spec: AdapterSpec): Result<AdapterDescription> {
  const first = spec.modules[0];
  if (first === undefined) return bad("the adapter has no LoRA modules");
  const found = new Set<LoraTarget>();
  for (const module of spec.modules) {
    if (module.rank !== first.rank) {
      return bad(
        `modules have different ranks (${module.name}: ${String(module.rank)}, ${first.name}: ${String(first.rank)})`,
      );
    }
    const target = targetOf(module.name);
    if (target === undefined) return bad(`module ${module.name} belongs to no LoRA target`);
    found.add(target);
  }
  const bias = spec.dense.find((tensor) => tensor.name === "head.bias");
  const classes = bias?.shape[0];
  const head: TaskHead = classes === undefined ? { kind: "lm" } : { kind: "classifier", classes };
  const description: AdapterDescription = {
    rank: first.rank,
    alpha: spec.alpha,
    targets: LORA_TARGETS.filter((target) => found.has(target)),
    head,
  };
  return ok(description);
}

/** True when two specs have the same modules (names, shapes, ranks, order), dense tensors and alpha. */
export function sameSpec(x: AdapterSpec, y: AdapterSpec): boolean {
  return JSON.stringify(canonical(x)) === JSON.stringify(canonical(y));
}

function canonical(spec: AdapterSpec): unknown {
  return {
    alpha: spec.alpha,
    modules: spec.modules.map((m) => [m.name, m.d, m.k, m.rank]),
    dense: spec.dense.map((t) => [t.name, [...t.shape]]),
  };
}

export function adapterMetadata(description: AdapterDescription): Record<string, string> {
  return {
    lora_rank: String(description.rank),
    lora_alpha: String(description.alpha),
    lora_targets: description.targets.join(","),
    head: description.head.kind === "lm" ? "lm" : `classifier:${String(description.head.classes)}`,
  };
}

/** The metadata of a spec adapterSpecFor made; empty for any other (a checkpoint then relies on the manifest). */
export function specMetadata(spec: AdapterSpec): Record<string, string> {
  const described = describeSpec(spec);
  return described.ok ? adapterMetadata(described.value) : {};
}

/** What checkpoint metadata says about the adapter: undefined when it says nothing (checkpoints written before
 * the keys existed), a failure when the keys are there but wrong. */
export function descriptionFromMetadata(
  metadata: Readonly<Record<string, string>>,
): Result<AdapterDescription> | undefined {
  if (ADAPTER_METADATA_KEYS.every((key) => metadata[key] === undefined)) return undefined;
  const missing = ADAPTER_METADATA_KEYS.filter((key) => metadata[key] === undefined);
  if (missing.length > 0) return bad(`metadata lacks ${missing.join(", ")}`);
  const rank = Number(metadata.lora_rank);
  const alpha = Number(metadata.lora_alpha);
  if (!Number.isInteger(rank) || rank < 1)
    return bad(`lora_rank "${String(metadata.lora_rank)}" is not a positive integer`);
  if (!Number.isFinite(alpha) || alpha <= 0)
    return bad(`lora_alpha "${String(metadata.lora_alpha)}" is not a positive number`);
  const targets = parseLoraTargets(metadata.lora_targets ?? "");
  if (!targets.ok) return bad(targets.error.reason);
  const headText = metadata.head ?? "";
  const classifier = /^classifier:(\d{1,6})$/u.exec(headText);
  let head: TaskHead;
  if (headText === "lm") head = { kind: "lm" };
  else if (classifier?.[1] !== undefined && Number(classifier[1]) >= 2)
    head = { kind: "classifier", classes: Number(classifier[1]) };
  else return bad(`head "${headText}" is neither "lm" nor "classifier:<classes>"`);
  return ok({ rank, alpha, targets: targets.value, head });
}

/** The target a module name belongs to (see lora-targets.ts), or undefined. */
export function targetOf(moduleName: string): LoraTarget | undefined {
  if (moduleName === EMBEDDING_MODULE) return "emb";
  const match = /^h\.\d+\.(attn\.(q|k|v|o)|mlp\.(fc|proj))$/u.exec(moduleName);
  if (match === null) return undefined;
  const attention = match[2];
  if (attention === "q" || attention === "k" || attention === "v" || attention === "o") return attention;
  return "mlp";
}

function bad(reason: string): { ok: false; error: { code: string; reason: string } } {
  return fail({ code: "bad-adapter-description", reason });
}
