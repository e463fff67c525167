// `npx tsx packages/model/node/pretrain/measure-pooling-centre.ts --preset tiny`: (re)measures a committed base
// model's pooling centre (pretraining writes it too) into models/<preset>/pooling-centre.safetensors.
import { join } from "node:path";
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Command } from "commander";
import { PRESETS, type PresetName } from "../../src/config/model-config";
import { readSafetensors } from "../../src/safetensors/safetensors";
import { parseTokenizerVocab } from "../../src/tokenizer/tokenizer-vocab";
import { createGpt } from "../../src/transformer/gpt";
import { gpt2WeightsFrom } from "../../src/weights/gpt2-layout";
import { modelDir } from "../load-model";
import { POOLING_CENTRE_FILE, writePoolingCentre } from "../pooling-centre-file";

const options = new Command()
  .name("measure-pooling-centre")
  .option("--preset <name>", "nano | tiny", "tiny")
  .option("--model-dir <dir>", "model folder (default models/<preset>)")
  .parse()
  .opts<{ preset: string; modelDir?: string }>();
if (!(options.preset in PRESETS)) throw new Error(`unknown preset ${options.preset}`);
const preset = options.preset as PresetName;
const config = PRESETS[preset];
const dir = options.modelDir ?? modelDir(preset);
await tf.setBackend("wasm");
const file = readSafetensors(readFileSync(join(dir, "model.safetensors")));
if (!file.ok) throw new Error(file.error.reason);
const weights = gpt2WeightsFrom(config, file.value.tensors);
if (!weights.ok) throw new Error(weights.error.reason);
const vocab = parseTokenizerVocab(JSON.parse(readFileSync(join(dir, "tokenizer.json"), "utf8")));
if (!vocab.ok) throw new Error(vocab.error.reason);
const started = Date.now();
const centre = await writePoolingCentre(createGpt(config, weights.value), vocab.value, dir);
console.log(
  `Wrote ${join(dir, POOLING_CENTRE_FILE)}: ${String(centre.length)} values in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
