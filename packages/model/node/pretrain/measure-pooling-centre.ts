// `npx tsx packages/model/node/pretrain/measure-pooling-centre.ts --preset tiny`: (re)measures a committed base
// model's pooling centre (pretraining writes it too) into models/<preset>/pooling-centre.safetensors.
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { Command } from "commander";
import { PRESETS, type PresetName } from "../../src/config/model-config";
import { createGpt } from "../../src/transformer/gpt";
import { loadBaseWeights, modelDir } from "../load-model";
import { POOLING_CENTRE_FILE, writePoolingCentre } from "../pooling-centre-file";

const options = new Command()
  .name("measure-pooling-centre")
  .option("--preset <name>", "nano | tiny", "tiny")
  .option("--model-dir <dir>", "model folder (default models/<preset>)")
  .parse()
  .opts<{ preset: string; modelDir?: string }>();
if (!(options.preset in PRESETS)) throw new Error(`unknown preset ${options.preset}`);
const preset = options.preset as PresetName;
const dir = options.modelDir ?? modelDir(preset);
await tf.setBackend("wasm");
const base = loadBaseWeights(preset, dir);
if (!base.ok) throw new Error(base.error.reason);
const started = Date.now();
const centre = await writePoolingCentre(createGpt(base.value.config, base.value.weights), base.value.vocab, dir);
console.log(
  `Wrote ${join(dir, POOLING_CENTRE_FILE)}: ${String(centre.length)} values in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
