// `npm run pretrain -- --preset tiny`: pretrains a base model on the public-domain corpus in Node (tfjs wasm),
// seeded and resumable, then writes models/<preset>/ (weights, config, tokenizer, pooling centre, model card).
import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { SingleBar } from "cli-progress";
import { Command, InvalidArgumentError } from "commander";
import { createRng } from "@airlora/core";
import { PRESETS, parameterCount, type PresetName } from "../../src/config/model-config";
import { writeSafetensors, type NamedTensor } from "../../src/safetensors/safetensors";
import { unigramCrossEntropy } from "../../src/tasks/unigram-cross-entropy";
import { createTokenizer } from "../../src/tokenizer/tokenizer";
import { parseTokenizerVocab } from "../../src/tokenizer/tokenizer-vocab";
import { adamStep, clipByGlobalNorm, createAdamState } from "../../src/training/adam";
import { lmLoss } from "../../src/training/lm-loss";
import { consecutiveWindows, randomWindows } from "../../src/training/lm-windows";
import { cosineLearningRate } from "../../src/training/lr-schedule";
import { createGpt, disposeGpt } from "../../src/transformer/gpt";
import { registerMatMulGradient } from "../../src/transformer/matmul-gradient";
import { initGpt2Weights } from "../../src/weights/gpt2-layout";
import { loadPretrainingText } from "../corpus";
import { sha256Hex, writeFileAtomic } from "../files";
import { writePoolingCentre } from "../pooling-centre-file";
import { writeModelCard } from "./model-card";
import { loadPretrainState, savePretrainState } from "./pretrain-state";

const REPO = resolve(import.meta.dirname, "../../../..");
const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("a positive integer");
  return n;
};

const options = new Command()
  .name("pretrain")
  .description("pretrain an AirLoRA base model on Brown + Moby Dick (public domain) with tfjs in Node")
  .option("--preset <name>", "nano | tiny", "tiny")
  .option("--steps <n>", "optimizer steps (default: the preset's shipped run)", positiveInt)
  .option("--batch <n>", "sequences per step (default: the preset's shipped run)", positiveInt)
  .option("--seq-len <n>", "tokens per sequence (default: the preset's context)", positiveInt)
  .option("--lr <x>", "peak learning rate", Number, 3e-3)
  .option("--warmup <n>", "warm-up steps", positiveInt, 40)
  .option("--eval-every <n>", "steps between validation passes", positiveInt, 100)
  .option("--eval-windows <n>", "validation windows", positiveInt, 64)
  .option("--seed <n>", "seed", positiveInt, 1)
  .option("--backend <name>", "tfjs backend (wasm | cpu)", "wasm")
  .option("--out <dir>", "output folder (default models/<preset>)")
  .option("--fresh", "ignore an existing checkpoint and start over")
  .parse()
  .opts<{
    preset: string;
    steps?: number;
    batch?: number;
    seqLen?: number;
    lr: number;
    warmup: number;
    evalEvery: number;
    evalWindows: number;
    seed: number;
    backend: string;
    out?: string;
    fresh?: boolean;
  }>();

if (!(options.preset in PRESETS)) throw new Error(`unknown preset ${options.preset} (nano | tiny)`);
const presetName = options.preset as PresetName;
const config = PRESETS[presetName];
// With no flags, the run that produced the committed models/<preset>/ (their model cards say the same).
const SHIPPED_RUN: Record<PresetName, { steps: number; batch: number }> = {
  nano: { steps: 600, batch: 16 },
  tiny: { steps: 2200, batch: 8 },
};
const steps = options.steps ?? SHIPPED_RUN[presetName].steps;
const batchSize = options.batch ?? SHIPPED_RUN[presetName].batch;
const seqLen = options.seqLen ?? config.nCtx;
const outDir = resolve(options.out ?? join(REPO, "models", config.preset));
const statePath = join(outDir, "pretrain-state", "state.safetensors");
const tokenizerPath = join(REPO, "models", "tokenizer", "tokenizer.json");

await tf.setBackend(options.backend);
registerMatMulGradient(); // createGpt does this for fine-tuning; pretraining builds its model from variables
const vocab = parseTokenizerVocab(JSON.parse(readFileSync(tokenizerPath, "utf8")));
if (!vocab.ok) throw new Error(`${tokenizerPath}: ${vocab.error.reason}`);
if (vocab.value.vocabSize !== config.vocabSize) {
  throw new Error(
    `tokenizer has ${String(vocab.value.vocabSize)} tokens, preset ${config.preset} needs ${String(config.vocabSize)}`,
  );
}
const tokenizer = createTokenizer(vocab.value);

console.log(`Tokenizing the corpus (Brown + Moby Dick)…`);
const text = loadPretrainingText();
const train = tokenizer.encode(text.train);
const validation = tokenizer.encode(text.validation);
const unigram = unigramCrossEntropy(train, validation, config.vocabSize);
console.log(
  `train ${String(train.length)} tokens, validation ${String(validation.length)} tokens; ` +
    `unigram baseline ${unigram.toFixed(3)} nats/token; ${config.preset}: ${String(parameterCount(config))} parameters`,
);

const params = new Map<string, tf.Variable>();
for (const [name, tensor] of initGpt2Weights(config, options.seed)) {
  params.set(
    name,
    tf.tidy(() => tf.variable(tf.tensor(tensor.data, [...tensor.shape]), true)),
  );
}
const model = { config, weights: params };
const adam = createAdamState(params);
if (options.fresh === true) rmSync(statePath, { force: true });
const resumed = loadPretrainState(statePath, params, adam);
let step = resumed === undefined ? 0 : Number(resumed.step ?? 0);
let elapsedMs = resumed === undefined ? 0 : Number(resumed.elapsedMs ?? 0);
if (resumed !== undefined) console.log(`Resuming from step ${String(step)} (${statePath})`);

const embedByMatmul = options.backend === "wasm";
const evalSet = consecutiveWindows(validation, seqLen + 1, options.evalWindows);
const evaluate = async (): Promise<number> => {
  const rows = evalSet.length / (seqLen + 1);
  let sum = 0;
  for (let start = 0; start < rows; start += batchSize) {
    const count = Math.min(batchSize, rows - start);
    const loss = tf.tidy(() => {
      const windows = tf.tensor2d(
        evalSet.subarray(start * (seqLen + 1), (start + count) * (seqLen + 1)),
        [count, seqLen + 1],
        "int32",
      );
      return lmLoss(model, windows, { embedByMatmul });
    });
    sum += ((await loss.data())[0] ?? Number.NaN) * count;
    loss.dispose();
  }
  return sum / rows;
};

// variableGrads keys gradients by tfjs variable name; Adam keys its state by GPT-2 weight name.
const weightNameOf = new Map([...params].map(([name, v]) => [v.name, name]));
const decay = (name: string): boolean => name.endsWith(".weight") && !name.includes("ln_");
const bar = new SingleBar({
  format:
    "pretrain {bar} {value}/{total} | loss {loss} | val {val} | {tps} tok/s | {elapsed} elapsed | ETA {eta_formatted}",
  hideCursor: true,
  noTTYOutput: true,
  notTTYSchedule: 30_000,
});
let validationLoss = Number.NaN;
bar.start(steps, step, { loss: "-", val: "-", tps: "-", elapsed: "0m" });
const started = Date.now() - elapsedMs;
let recentLoss = Number.NaN;
while (step < steps) {
  const lr = cosineLearningRate(step, steps, options.lr, options.warmup);
  const windows = randomWindows(train, seqLen + 1, batchSize, createRng(options.seed * 1_000_003 + step));
  const batch = tf.tensor2d(windows, [batchSize, seqLen + 1], "int32");
  const { value, grads } = tf.variableGrads(() => lmLoss(model, batch, { embedByMatmul }), [...params.values()]);
  const named: Record<string, tf.Tensor> = {};
  for (const [variableName, grad] of Object.entries(grads))
    named[weightNameOf.get(variableName) ?? variableName] = grad;
  const { clipped } = await clipByGlobalNorm(named, 1);
  adamStep(params, clipped, adam, lr, { weightDecay: 0.01 }, decay);
  const loss = (await value.data())[0] ?? Number.NaN;
  tf.dispose([value, batch, ...Object.values(clipped)]);
  await new Promise((resolve) => setImmediate(resolve)); // lets the progress bar's timer draw in non-TTY logs
  recentLoss = Number.isNaN(recentLoss) ? loss : 0.9 * recentLoss + 0.1 * loss;
  step += 1;
  elapsedMs = Date.now() - started;
  if (step % options.evalEvery === 0 || step === steps) {
    validationLoss = await evaluate();
    await savePretrainState(statePath, params, adam, {
      step: String(step),
      elapsedMs: String(elapsedMs),
      preset: config.preset,
      seed: String(options.seed),
      validationLoss: String(validationLoss),
    });
  }
  bar.update(step, {
    loss: recentLoss.toFixed(3),
    val: Number.isNaN(validationLoss) ? "-" : validationLoss.toFixed(3),
    tps: ((step * batchSize * seqLen * 1000) / Math.max(1, elapsedMs)).toFixed(0),
    elapsed: `${(elapsedMs / 60_000).toFixed(1)}m`,
  });
}
bar.stop();

const weights = new Map<string, NamedTensor>();
for (const [name, variable] of params)
  weights.set(name, { shape: variable.shape, data: Float32Array.from(await variable.data()) });
const safetensors = writeSafetensors(weights, { format: "pt", airlora_preset: config.preset });
writeFileAtomic(join(outDir, "model.safetensors"), safetensors);
writeFileAtomic(join(outDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
if (existsSync(tokenizerPath)) copyFileSync(tokenizerPath, join(outDir, "tokenizer.json"));
const trained = createGpt(config, weights);
await writePoolingCentre(trained, vocab.value, outDir);
disposeGpt(trained);
writeModelCard(join(outDir, "MODEL_CARD.md"), {
  config,
  parameters: parameterCount(config),
  steps,
  batch: batchSize,
  seqLen,
  peakLearningRate: options.lr,
  seed: options.seed,
  backend: options.backend,
  wallMinutes: elapsedMs / 60_000,
  trainTokens: train.length,
  validationTokens: validation.length,
  validationWindows: evalSet.length / (seqLen + 1),
  validationLoss,
  unigramLoss: unigram,
  sha256: sha256Hex(safetensors),
});
console.log(
  `Wrote ${outDir}: validation ${validationLoss.toFixed(3)} nats/token vs unigram ${unigram.toFixed(3)} ` +
    `in ${(elapsedMs / 60_000).toFixed(1)} min.`,
);
