import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterSpec, AdapterState } from "@airlora/core";
import {
  PRESETS,
  TIED_EMBEDDING_REASON,
  adapterSpecFor,
  createGpt,
  disposeGpt,
  readSafetensors,
  specMetadata,
  type LoraTarget,
  type TaskHead,
} from "@airlora/model";
import { loadBaseModel } from "@airlora/model/node";
import { maxAbsDifference, taskLogits, tokenRows, trainedLookingAdapter } from "@airlora/model/test-support";
import { quietRunState } from "../test-support/checkpoint-state";
import { createRunDirectory } from "../run/run-directory";
import { adapterSafetensors, exportFiles, writeExport, type ExportOptions } from "./export-adapter";
import { readRunAdapter } from "./run-adapter";

const config = PRESETS.nano;
let root: string;

beforeAll(async () => {
  await tf.setBackend("cpu");
  root = mkdtempSync(join(tmpdir(), "airlora-export-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

interface FakeRun {
  readonly dir: string;
  readonly spec: AdapterSpec;
  readonly states: readonly AdapterState[];
}

/** A run directory as the coordinator writes it: the manifest (with `adapter` once started) and a checkpoint per
 * round, with the metadata the engine gives it (`withAdapterMetadata` false: as checkpoints were before). */
function fakeRun(
  name: string,
  targets: LoraTarget[],
  head: TaskHead,
  options: { rounds?: number; withAdapterMetadata?: boolean; manifestAdapter?: boolean } = {},
): FakeRun {
  const spec = adapterSpecFor(config, { rank: 3, targets, head });
  const directory = createRunDirectory(root, name);
  const task = head.kind === "lm" ? "sotu" : "spam";
  directory.writeManifest({
    runId: name,
    settings: { task, preset: "nano" },
    model: { preset: "nano" },
    ...(options.manifestAdapter === false
      ? {}
      : { adapter: { alpha: spec.alpha, modules: spec.modules, dense: spec.dense } }),
  });
  const states = Array.from({ length: options.rounds ?? 2 }, (_, round) => trainedLookingAdapter(spec, 40 + round));
  states.forEach((state, round) => {
    directory.writeCheckpoint({
      round,
      spec,
      adapter: state,
      metadata: {
        airlora_run: name,
        round: String(round),
        preset: "nano",
        task,
        ...(options.withAdapterMetadata === false ? {} : specMetadata(spec)),
      },
      savedAt: round,
      state: quietRunState(name, round, 3),
    });
  });
  return { dir: directory.path, spec, states };
}

function exported(run: FakeRun, options: ExportOptions, round?: number): string {
  const adapter = readRunAdapter(run.dir, round);
  if (!adapter.ok) throw new Error(adapter.error.reason);
  const files = exportFiles(adapter.value, options);
  if (!files.ok) throw new Error(files.error.reason);
  const out = join(run.dir, "export", `${options.format}-${String(options.merged)}-${String(round ?? "last")}`);
  writeExport(out, files.value);
  return out;
}

describe("reading a run's adapter", () => {
  it("reads the last round by default from the checkpoint's own metadata, without the manifest's adapter", () => {
    const run = fakeRun(
      "self-describing",
      ["q", "v", "mlp"],
      { kind: "classifier", classes: 2 },
      {
        rounds: 3,
        manifestAdapter: false,
      },
    );
    const read = readRunAdapter(run.dir);
    if (!read.ok) throw new Error(read.error.reason);
    expect(read.value.round).toBe(2);
    expect(read.value.description).toEqual({
      rank: 3,
      alpha: 6,
      targets: ["q", "v", "mlp"],
      head: { kind: "classifier", classes: 2 },
    });
    expect(read.value.state).toEqual(run.states[2]);
    const first = readRunAdapter(run.dir, 0);
    expect(first.ok && first.value.state).toEqual(run.states[0]);
  });

  it("reads a checkpoint written before the metadata existed from manifest.json's adapter", () => {
    const run = fakeRun(
      "old",
      ["emb", "q", "v", "o", "mlp"],
      { kind: "classifier", classes: 2 },
      { withAdapterMetadata: false },
    );
    const read = readRunAdapter(run.dir);
    if (!read.ok) throw new Error(read.error.reason);
    expect(read.value.description.targets).toEqual(["emb", "q", "v", "o", "mlp"]);
    expect(read.value.state).toEqual(run.states[1]);
  });

  it("says why when it cannot: no such round, no run directory, nothing describing the adapter", () => {
    const run = fakeRun("reasons", ["q"], { kind: "lm" });
    const reason = (dir: string, round?: number): string => {
      const read = readRunAdapter(dir, round);
      return read.ok ? "" : read.error.reason;
    };
    expect(reason(run.dir, 5)).toBe("round 5 has no checkpoint; rounds with one: 0, 1");
    expect(reason(join(root, "nowhere"))).toContain("is not a run directory");
    const bare = fakeRun("bare", ["q"], { kind: "lm" }, { withAdapterMetadata: false, manifestAdapter: false });
    expect(reason(bare.dir)).toContain("neither its metadata nor manifest.json say what adapter it holds");
  });

  it("serves adapter.safetensors with AirLoRA's names and metadata that describe it on its own", () => {
    const run = fakeRun("served", ["q", "v"], { kind: "lm" });
    const read = readRunAdapter(run.dir);
    if (!read.ok) throw new Error(read.error.reason);
    const file = readSafetensors(adapterSafetensors(read.value));
    if (!file.ok) throw new Error(file.error.reason);
    expect(file.value.metadata).toEqual({
      airlora_run: "served",
      round: "1",
      preset: "nano",
      task: "sotu",
      lora_rank: "3",
      lora_alpha: "6",
      lora_targets: "q,v",
      head: "lm",
    });
    expect(file.value.tensors.get("h.1.attn.v.lora_B")?.data).toEqual(run.states[1]?.modules[3]?.b);
  });
});

describe("airlora export --merged", () => {
  const cases: [string, LoraTarget[], TaskHead][] = [
    ["spam classifier, emb, q, k, v, o, mlp", ["emb", "q", "k", "v", "o", "mlp"], { kind: "classifier", classes: 2 }],
    ["language model, q, v, o, mlp", ["q", "v", "o", "mlp"], { kind: "lm" }],
  ];
  for (const [what, targets, head] of cases) {
    it(`writes a model folder the loader reads back with the LoRA forward's logits: ${what}`, () => {
      const run = fakeRun(`merged-${head.kind}`, targets, head);
      const out = exported(run, { format: "safetensors", merged: true });
      const base = loadBaseModel("nano");
      const merged = loadBaseModel("nano", out);
      if (!base.ok || !merged.ok) throw new Error("a model did not load");
      const headValues: Float32Array[] = [];
      if (head.kind === "classifier") {
        const headFile = readSafetensors(readFileSync(join(out, "head.safetensors")));
        if (!headFile.ok) throw new Error(headFile.error.reason);
        for (const name of ["head.weight", "head.bias"])
          headValues.push(headFile.value.tensors.get(name)?.data ?? new Float32Array(0));
        expect(headFile.value.tensors.get("pooling.centre")?.data).toEqual(base.value.poolingCentre);
      }
      const baseModel = createGpt(config, base.value.weights, base.value.poolingCentre);
      const mergedModel = createGpt(config, merged.value.weights, merged.value.poolingCentre);
      try {
        const rows = tokenRows(2, 20, config.vocabSize, 6);
        const ours = taskLogits(baseModel, head, rows, {
          adapter: { spec: run.spec, state: run.states[1] ?? { modules: [], dense: [] } },
        });
        const theirs = taskLogits(mergedModel, head, rows, { headValues: head.kind === "lm" ? [] : headValues });
        expect(maxAbsDifference(ours, theirs)).toBeLessThan(1e-4);
        expect(
          maxAbsDifference(ours, taskLogits(baseModel, head, rows, { headValues: run.states[1]?.dense ?? [] })),
        ).toBeGreaterThan(1e-2);
      } finally {
        disposeGpt(baseModel);
        disposeGpt(mergedModel);
      }
    });
  }

  it("refuses an emb adapter on a language model, and PEFT with --merged, each with its reason", () => {
    const run = fakeRun("tied", ["emb", "q"], { kind: "lm" });
    const read = readRunAdapter(run.dir);
    if (!read.ok) throw new Error(read.error.reason);
    const reason = (options: ExportOptions): string => {
      const files = exportFiles(read.value, options);
      return files.ok ? "" : files.error.reason;
    };
    expect(reason({ format: "safetensors", merged: true })).toBe(TIED_EMBEDDING_REASON);
    expect(reason({ format: "tfjs", merged: true })).toBe(TIED_EMBEDDING_REASON);
    expect(reason({ format: "peft", merged: true })).toContain("a merged model has no adapter for PEFT to load");
    expect(reason({ format: "peft", merged: false })).toBe("");
  });
});

describe("airlora export --format peft and tfjs", () => {
  it("peft writes adapter_model.safetensors, adapter_config.json and, for a classifier, head.safetensors", () => {
    const run = fakeRun("peft", ["q", "v", "o"], { kind: "classifier", classes: 2 });
    const out = exported(run, { format: "peft", merged: false });
    const config = JSON.parse(readFileSync(join(out, "adapter_config.json"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({
      peft_type: "LORA",
      r: 3,
      lora_alpha: 6,
      rank_pattern: { c_attn: 6 },
      fan_in_fan_out: true,
    });
    const adapter = readSafetensors(readFileSync(join(out, "adapter_model.safetensors")));
    expect(
      adapter.ok && adapter.value.tensors.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight")?.shape,
    ).toEqual([6, 32]);
    const description = JSON.parse(readFileSync(join(out, "airlora-export.json"), "utf8")) as { files: string[] };
    expect(description.files).toEqual(["adapter_model.safetensors", "adapter_config.json", "head.safetensors"]);
  });

  it("tfjs writes a weights manifest that tf.io's loader reads back to the checkpoint's tensors", async () => {
    const run = fakeRun("tfjs", ["emb", "k"], { kind: "lm" });
    const out = exported(run, { format: "tfjs", merged: false }, 0);
    const manifest = JSON.parse(readFileSync(join(out, "weights.json"), "utf8")) as tf.io.WeightsManifestConfig;
    const load = tf.io.weightsLoaderFactory((paths) =>
      Promise.resolve(paths.map((path) => Uint8Array.from(readFileSync(path)).buffer)),
    );
    const read = await load(manifest, `${out}/`);
    const state = run.states[0];
    expect(Object.keys(read).sort()).toEqual([
      "h.0.attn.k.lora_A",
      "h.0.attn.k.lora_B",
      "h.1.attn.k.lora_A",
      "h.1.attn.k.lora_B",
      "wte.lora_A",
      "wte.lora_B",
    ]);
    expect(Float32Array.from(read["wte.lora_A"]?.dataSync() ?? [])).toEqual(state?.modules[0]?.a);
    expect(Float32Array.from(read["h.1.attn.k.lora_B"]?.dataSync() ?? [])).toEqual(state?.modules[2]?.b);
    tf.dispose(Object.values(read));
  });
});
