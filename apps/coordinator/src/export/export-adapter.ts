// `airlora export` and GET /api/export/adapter.safetensors (docs/interfaces.md section 6): a round's adapter as
// files in one of three formats, unmerged or merged into the base model. The mappings are @airlora/model's
// (src/export/); this file picks the files, names them, says what each holds and writes them atomically.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { adapterToNamedTensors, fail, ok, type NamedTensor, type Result } from "@airlora/core";
import {
  POOLING_CENTRE_TENSOR,
  TFJS_MANIFEST_FILE,
  TFJS_SHARD_FILE,
  adapterMetadata,
  mergeAdapter,
  peftAdapter,
  tfjsWeights,
  writeSafetensors,
} from "@airlora/model";
import { loadBaseModel, modelDir, writeFileAtomic } from "@airlora/model/node";
import type { RunAdapter } from "./run-adapter";

export const EXPORT_FORMATS = ["safetensors", "peft", "tfjs"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Merge the LoRA factors into the base weights (safetensors or tfjs). */
  readonly merged: boolean;
  /** The base model folder; models/<preset> by default. */
  readonly modelDir?: string;
}

export interface ExportFiles {
  /** File name -> contents, in the order they are written. */
  readonly files: Map<string, Uint8Array>;
  /** What someone loading the files elsewhere must know (also in airlora-export.json). */
  readonly notes: readonly string[];
}

/** The file describing an export: run, round, format, the adapter, every file and the notes. */
export const EXPORT_DESCRIPTION_FILE = "airlora-export.json";
export const HEAD_FILE = "head.safetensors";

/** <runDir>/export/round-NNNN-<format>[-merged] */
export function defaultExportDir(adapter: RunAdapter, options: ExportOptions): string {
  const round = String(adapter.round).padStart(4, "0");
  return join(adapter.runDir, "export", `round-${round}-${options.format}${options.merged ? "-merged" : ""}`);
}

/** The checkpoint's metadata as the adapter file carries it: run, round, preset, task, rank, alpha, targets, head. */
export function exportMetadata(adapter: RunAdapter): Record<string, string> {
  return {
    airlora_run: adapter.runId,
    round: String(adapter.round),
    preset: adapter.preset,
    task: adapter.task,
    ...adapterMetadata(adapter.description),
  };
}

/** adapter.safetensors: the checkpoint's tensors under AirLoRA's names with self-describing metadata (what
 * GET /api/export/adapter.safetensors serves). */
export function adapterSafetensors(adapter: RunAdapter): Uint8Array {
  return writeSafetensors(adapterToNamedTensors(adapter.spec, adapter.state), exportMetadata(adapter));
}

/** The files of an export, in memory (nothing is written); refused with the reason when the combination has no
 * faithful representation. */
export function exportFiles(adapter: RunAdapter, options: ExportOptions): Result<ExportFiles> {
  const { description, spec, state } = adapter;
  const files = new Map<string, Uint8Array>();
  const notes: string[] = [];
  const classifier = description.head.kind === "classifier";
  const headTensors = new Map<string, NamedTensor>(
    spec.dense.map((tensor, i) => [
      tensor.name,
      { shape: [...tensor.shape], data: state.dense[i] ?? new Float32Array(0) },
    ]),
  );
  if (options.format === "peft" && options.merged) {
    return fail({
      code: "bad-export",
      reason: "a merged model has no adapter for PEFT to load: use --format safetensors --merged (a GPT-2 checkpoint)",
    });
  }
  const needsBase = options.merged || classifier;
  const base = needsBase ? loadBaseModel(adapter.preset, options.modelDir ?? modelDir(adapter.preset)) : undefined;
  if (base !== undefined && !base.ok) return fail({ code: "bad-export", reason: `base model: ${base.error.reason}` });
  const centre = base?.value.poolingCentre;
  const headFile = (): Uint8Array => {
    const tensors = new Map(headTensors);
    if (centre !== undefined) tensors.set(POOLING_CENTRE_TENSOR, { shape: [centre.length], data: centre });
    return writeSafetensors(tensors, exportMetadata(adapter));
  };
  if (classifier) {
    notes.push(
      `The classifier head (head.weight [features, classes], head.bias [classes]) is not part of GPT-2 or PEFT: it ` +
        `reads AirLoRA's classifier features (mean and max over the real tokens of every depth of the residual ` +
        `stream through ln_f, minus the base model's pooling.centre; docs/model-and-data.md section 2). ` +
        (options.format === "tfjs" ? `It is in ${TFJS_MANIFEST_FILE}` : `It is in ${HEAD_FILE}`) +
        `, with pooling.centre.`,
    );
  }

  if (!options.merged) {
    if (options.format === "safetensors") {
      files.set("adapter.safetensors", adapterSafetensors(adapter));
      notes.push(
        `adapter.safetensors holds <module>.lora_A [r, k] and <module>.lora_B [d, r] per module (AirLoRA's names, ` +
          `docs/model-and-data.md section 2); the update is (alpha / r) B A = ${String(description.alpha / description.rank)} B A.`,
      );
    } else if (options.format === "peft") {
      const peft = peftAdapter(spec, state, description.head, `airlora-${adapter.preset}`);
      if (!peft.ok) return fail({ code: "bad-export", reason: peft.error.reason });
      files.set("adapter_model.safetensors", writeSafetensors(peft.value.tensors, { format: "pt" }));
      files.set("adapter_config.json", json(peft.value.config));
      notes.push(
        `PEFT LoRA for GPT2LMHeadModel: load models/${adapter.preset}/model.safetensors into a GPT-2 of the same ` +
          `shape (n_embd ${String(adapter.config.nEmbd)}, n_layer ${String(adapter.config.nLayer)}, n_head ` +
          `${String(adapter.config.nHead)}, n_positions ${String(adapter.config.nCtx)}, vocab_size ` +
          `${String(adapter.config.vocabSize)}, layer_norm_epsilon ${String(adapter.config.layerNormEps)}, ` +
          `activation gelu_new), then PeftModel.from_pretrained(model, this folder).`,
      );
      if (description.targets.includes("emb") && description.head.kind === "lm") {
        notes.push(
          "The emb adapter (transformer.wte) acts on the input embeddings only; PEFT applies it that way while " +
            "unmerged. merge_and_unload() would also change the LM head, which GPT-2 ties to wte: keep it unmerged.",
        );
      }
      if (classifier) files.set(HEAD_FILE, headFile());
    } else {
      const tensors = adapterToNamedTensors(spec, state);
      if (centre !== undefined) tensors.set(POOLING_CENTRE_TENSOR, { shape: [centre.length], data: centre });
      const { manifest, shard } = tfjsWeights(tensors);
      files.set(TFJS_MANIFEST_FILE, json(manifest));
      files.set(TFJS_SHARD_FILE, shard);
      notes.push(
        `${TFJS_MANIFEST_FILE} is a tf.io weights manifest (tf.io.loadWeights) with AirLoRA's tensor names; ` +
          `the update is (alpha / r) B A = ${String(description.alpha / description.rank)} B A.`,
      );
    }
  } else {
    if (base === undefined) return fail({ code: "bad-export", reason: "the base model is needed to merge" });
    const merged = mergeAdapter(adapter.config, base.value.weights, spec, state, description.head);
    if (!merged.ok) return fail({ code: "bad-export", reason: merged.error.reason });
    const dir = options.modelDir ?? modelDir(adapter.preset);
    if (options.format === "safetensors") {
      files.set("model.safetensors", writeSafetensors(merged.value, exportMetadata(adapter)));
      files.set("config.json", json(adapter.config));
      files.set("tokenizer.json", readFileSync(join(dir, "tokenizer.json")));
      files.set("pooling-centre.safetensors", readFileSync(join(dir, "pooling-centre.safetensors")));
      if (classifier) files.set(HEAD_FILE, headFile());
      notes.push(
        "model.safetensors is a GPT-2-layout checkpoint with the adapter merged in; with config.json, tokenizer.json " +
          "and pooling-centre.safetensors this folder is a base model folder (loadBaseModel, --model-dir).",
      );
    } else {
      const tensors = new Map(merged.value);
      for (const [name, tensor] of headTensors) tensors.set(name, tensor);
      if (classifier && centre !== undefined)
        tensors.set(POOLING_CENTRE_TENSOR, { shape: [centre.length], data: centre });
      const { manifest, shard } = tfjsWeights(tensors);
      files.set(TFJS_MANIFEST_FILE, json(manifest));
      files.set(TFJS_SHARD_FILE, shard);
      files.set("config.json", json(adapter.config));
      notes.push(`${TFJS_MANIFEST_FILE} is a tf.io weights manifest of the merged GPT-2 weights (GPT-2 names).`);
    }
  }
  files.set(
    EXPORT_DESCRIPTION_FILE,
    json({
      run: adapter.runId,
      round: adapter.round,
      checkpoint: adapter.checkpoint,
      preset: adapter.preset,
      task: adapter.task,
      format: options.format,
      merged: options.merged,
      adapter: { ...adapter.description, scale: adapter.description.alpha / adapter.description.rank },
      files: [...files.keys()],
      notes,
    }),
  );
  return ok({ files, notes });
}

/** Writes the files into `outDir` (each atomically); returns their sizes in bytes. */
export function writeExport(outDir: string, exported: ExportFiles): { name: string; bytes: number }[] {
  return [...exported.files].map(([name, bytes]) => {
    writeFileAtomic(join(outDir, name), bytes);
    return { name, bytes: bytes.length };
  });
}

function json(value: unknown): Uint8Array {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, "utf8");
}
