// Evaluates a spam adapter saved by `reference-run.ts --save-adapter` on the validation split, read as 1..N context
// windows per email, so that how much of an email the classifier reads at test time is measured without a new
// training run (a head trained on single random windows classifies any number of them: classifier-features.ts).
//   npx tsx packages/model/node/evaluate-spam-adapter.ts --adapter spam.safetensors --windows 1,4,6
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { adapterFromNamedTensors } from "@airlora/core";
import type { PresetName } from "../src/config/model-config";
import { adapterSpecFor, parseLoraTargets } from "../src/lora/lora-targets";
import { readSafetensors } from "../src/safetensors/safetensors";
import { createGpt } from "../src/transformer/gpt";
import { evaluateAdapter } from "../src/training/evaluate";
import { loadBaseModel, modelDir } from "./load-model";
import { prepareTask } from "./tasks/prepare-task";

const { values } = parseArgs({
  options: {
    adapter: { type: "string" },
    preset: { type: "string", default: "tiny" },
    "model-dir": { type: "string" },
    windows: { type: "string", default: "1,4" },
    seed: { type: "string", default: "0" },
    backend: { type: "string", default: "wasm" },
  },
});
const adapterPath = values.adapter;
if (adapterPath === undefined) throw new Error("--adapter <file.safetensors> is required");
const file = readSafetensors(readFileSync(adapterPath));
if (!file.ok) throw new Error(`${adapterPath}: ${file.error.reason}`);
// reference-run.ts records its targets and rank in the file's metadata.
const { targets: targetList, rank } = file.value.metadata;
if (targetList === undefined || rank === undefined) throw new Error(`${adapterPath}: no targets/rank metadata`);
const targets = parseLoraTargets(targetList);
if (!targets.ok) throw new Error(`${adapterPath}: ${targets.error.reason}`);

await tf.setBackend(values.backend);
const preset = values.preset as PresetName;
const base = loadBaseModel(preset, values["model-dir"] ?? modelDir(preset));
if (!base.ok) throw new Error(base.error.reason);
const { config, weights, poolingCentre, vocab } = base.value;
const model = createGpt(config, weights, poolingCentre);
const task = { kind: "classifier", classes: 2 } as const;
const spec = adapterSpecFor(config, { rank: Number(rank), targets: targets.value, head: task });
const adapter = adapterFromNamedTensors(spec, file.value.tensors);
if (!adapter.ok) throw new Error(`${adapterPath}: ${adapter.error.reason}`);

for (const count of values.windows.split(",").map(Number)) {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--windows: ${String(count)} is not a window count`);
  const spam = prepareTask("spam", {
    clients: 1,
    alpha: 1,
    seed: Number(values.seed),
    seqLen: count * config.nCtx,
    vocab,
  });
  if (!spam.ok) throw new Error(spam.error.reason);
  const result = await evaluateAdapter(model, spec, task, adapter.value, spam.value.validationShard);
  if (result.kind !== "classifier") throw new Error("spam evaluation is a classifier's");
  console.log(
    `first ${String(count * config.nCtx)} tokens (${String(count)} windows): accuracy ${(100 * result.accuracy).toFixed(2)}%, loss ${result.loss.toFixed(4)}`,
  );
}
