// The centralised reference run (issue: model): LoRA fine-tunes a base model on the whole spam training split and
// prints its accuracy on each held-out split `--split` names (validation by default: settings are chosen there;
// `--split validation,test` once the settings are fixed, for the report) next to naive Bayes on the same split; then
// fine-tunes on sotu and prints held-out perplexity before and after.
//   npx tsx packages/model/node/reference-run.ts [--preset tiny] [--seed N] [--spam-steps N] [--split a,b]
// The defaults are the recipe measured over three seeds in docs/evaluation/reference (~50 min a seed with a core to itself).
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { SingleBar } from "cli-progress";
import { adapterToNamedTensors, initAdapter, type AdapterState } from "@airlora/core";
import type { PresetName } from "../src/config/model-config";
import { adapterSpecFor, parseLoraTargets, type TaskHead } from "../src/lora/lora-targets";
import { type LabelledText, naiveBayesAccuracy, trainNaiveBayes } from "../src/tasks/naive-bayes";
import { writeSafetensors } from "../src/safetensors/safetensors";
import { createTokenizer } from "../src/tokenizer/tokenizer";
import { splitSpam } from "../src/tasks/prepare-spam";
import type { Shard } from "../src/tasks/shard";
import { createGpt } from "../src/transformer/gpt";
import { evaluateAdapter, type Evaluation } from "../src/training/evaluate";
import { fitLinearHead } from "../src/training/linear-probe";
import { trainLocally } from "../src/training/local-trainer";
import { firstWindows, type TrainingExamples } from "../src/training/training-data";
import { writeFileAtomic } from "./files";
import { loadBaseModel, modelDir } from "./load-model";
import { prepareTask } from "./tasks/prepare-task";
import { loadSpamEmails, type SpamEmail } from "./tasks/spam-dataset";
import type { ReferenceResult } from "./reference-result";

const { values } = parseArgs({
  options: {
    preset: { type: "string", default: "tiny" },
    seed: { type: "string", default: "0" },
    rank: { type: "string", default: "8" },
    targets: { type: "string", default: "emb,q,v,o,mlp" },
    "spam-steps": { type: "string", default: "1200" },
    "sotu-steps": { type: "string", default: "200" },
    batch: { type: "string", default: "16" },
    lr: { type: "string", default: "0.003" },
    "sotu-eval": { type: "string", default: "200" },
    "probe-iterations": { type: "string", default: "1500" },
    "spam-windows": { type: "string", default: "8" },
    "lr-schedule": { type: "string", default: "cosine" },
    windows: { type: "string", default: "random" },
    backend: { type: "string", default: "wasm" },
    "model-dir": { type: "string" },
    "save-adapter": { type: "string" },
    split: { type: "string", default: "validation" },
    json: { type: "string" },
  },
});
const preset = values.preset as PresetName;
/** The value of a flag that must be one of `choices`. */
function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const choice = choices.find((known) => known === value);
  if (choice === undefined) throw new Error(`--${flag} must be one of ${choices.join(", ")} (got ${value})`);
  return choice;
}
const schedule = oneOf("lr-schedule", values["lr-schedule"], ["constant", "cosine"]);
const windows = oneOf("windows", values.windows, ["whole", "random"]);
// Settings are chosen on validation; the test split is for the report, once the settings are fixed. Scoring both in
// one run trains once per seed; "before fine-tuning" is scored on the first split named only.
type HeldOut = "validation" | "test";
const heldOut: readonly HeldOut[] = [...new Set(values.split.split(","))].map((name) =>
  oneOf("split", name.trim(), ["validation", "test"] as const),
);
const scoredOn = (task: { readonly validationShard: Shard; readonly testShard: Shard }, split: HeldOut): Shard =>
  split === "test" ? task.testShard : task.validationShard;
const seed = Number(values.seed);
const batch = Number(values.batch);
await tf.setBackend(values.backend);

const base = loadBaseModel(preset, values["model-dir"] ?? modelDir(preset));
if (!base.ok) throw new Error(base.error.reason);
const files = base.value;
const model = createGpt(files.config, files.weights, files.poolingCentre);
const seqLen = files.config.nCtx;
const parsedTargets = parseLoraTargets(values.targets);
if (!parsedTargets.ok) throw new Error(`--targets: ${parsedTargets.error.reason}`);
const targets = parsedTargets.value;

/** The one client's shard and the calibration slice carved out before it (prepared-task.ts): the run trains
 * centrally on the whole training split, which the slice, meant for the federated pilot, would otherwise shrink. */
function wholeTrainingSplit(client: Shard | undefined, calibration: Shard): TrainingExamples {
  if (client === undefined) throw new Error(`${calibration.task}: no training shard`);
  const joined = {
    seqLen: client.seqLen,
    tokens: concat(
      new Uint16Array(client.tokens.length + calibration.tokens.length),
      client.tokens,
      calibration.tokens,
    ),
    lengths: concat(
      new Uint16Array(client.lengths.length + calibration.lengths.length),
      client.lengths,
      calibration.lengths,
    ),
  };
  const [x, y] = [client.labels, calibration.labels];
  return x === undefined || y === undefined
    ? joined
    : { ...joined, labels: concat(new Uint8Array(x.length + y.length), x, y) };
}

function concat<T extends Uint8Array | Uint16Array>(out: T, first: T, second: T): T {
  out.set(first);
  out.set(second, first.length);
  return out;
}

/** LP-FT: a classifier starts from a head fitted on the frozen model's features (training/linear-probe.ts). */
async function withProbedHead(task: TaskHead, start: AdapterState, train: TrainingExamples): Promise<AdapterState> {
  const iterations = Number(values["probe-iterations"]);
  if (task.kind !== "classifier" || iterations === 0) return start;
  const bar = new SingleBar({
    format: "linear probe {bar} {percentage}% | ETA {eta_formatted}",
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  });
  bar.start(1, 0);
  // With random windows the head classifies single windows, so it is probed on each email's first one (which
  // also keeps the probe's forward pass at one context per email).
  const probeData = windows === "random" ? firstWindows(train, seqLen) : train;
  const head = await fitLinearHead(model, probeData, {
    classes: task.classes,
    iterations,
    learningRate: 0.01,
    l2: 1e-4,
    onProgress: (done, total) => {
      bar.setTotal(total);
      bar.update(done);
    },
  });
  bar.stop();
  return { ...start, dense: [head.weight, head.bias] };
}

async function fineTune(
  label: string,
  task: TaskHead,
  train: TrainingExamples,
  heldOutShards: readonly [TrainingExamples, ...TrainingExamples[]],
  steps: number,
): Promise<{ before: Evaluation; after: Evaluation[]; minutes: number; adapter: AdapterState }> {
  const spec = adapterSpecFor(files.config, { rank: Number(values.rank), targets, head: task });
  const start = await withProbedHead(task, initAdapter(spec, seed + 1), train);
  const before = await evaluateAdapter(model, spec, task, start, heldOutShards[0]);
  const bar = new SingleBar({
    format: `${label} {bar} {value}/{total} | loss {loss} | {tps} tok/s | ETA {eta_formatted}`,
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  });
  bar.start(steps, 0, { loss: "-", tps: "-" });
  let smooth = Number.NaN;
  const result = await trainLocally(model, spec, task, start, train, {
    steps,
    batchSize: batch,
    learningRate: Number(values.lr),
    schedule,
    windows,
    softLambda: 0.01,
    seed: seed + 2,
    onProgress: (p) => {
      smooth = Number.isNaN(smooth) ? p.loss : 0.95 * smooth + 0.05 * p.loss;
      bar.update(p.step, { loss: smooth.toFixed(3), tps: p.tokensPerSec.toFixed(0) });
    },
  });
  bar.stop();
  const after: Evaluation[] = [];
  for (const shard of heldOutShards) after.push(await evaluateAdapter(model, spec, task, result.adapter, shard));
  return { before, after, minutes: result.elapsedMs / 60_000, adapter: result.adapter };
}

// spam: one client holding the whole training split, scored on the held-out split `--split` names.
// An email row may span several context windows (classifier-features.ts reads them one by one).
const spamWindows = Number(values["spam-windows"]);
const spam = prepareTask("spam", { clients: 1, alpha: 1, seed, seqLen: spamWindows * seqLen, vocab: files.vocab });
if (!spam.ok) throw new Error(spam.error.reason);
const spamTrain = wholeTrainingSplit(spam.value.clientShards[0], spam.value.calibrationShard);
const [firstSplit, ...otherSplits] = heldOut;
if (firstSplit === undefined) throw new Error("--split names no split");
const spamHeldOut = [
  scoredOn(spam.value, firstSplit),
  ...otherSplits.map((name) => scoredOn(spam.value, name)),
] as const;
const spamRun = await fineTune(
  "spam",
  { kind: "classifier", classes: 2 },
  spamTrain,
  spamHeldOut,
  Number(values["spam-steps"]),
);

const accuracyOf = (e: Evaluation | undefined): number => (e?.kind === "classifier" ? e.accuracy : Number.NaN);
const perplexityOf = (e: Evaluation | undefined): number => (e?.kind === "lm" ? e.perplexity : Number.NaN);
const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;
// Printed at once too, so that the spam figure survives whatever happens in the sotu half.
heldOut.forEach((name, i) => {
  console.log(
    `spam: LoRA ${name} accuracy ${percent(accuracyOf(spamRun.after[i]))} after ${spamRun.minutes.toFixed(1)} min`,
  );
});
const savePath = values["save-adapter"];
if (savePath !== undefined) {
  // The trained spam adapter and head, named the PEFT way, so that evaluation variants need no new training run.
  const spec = adapterSpecFor(files.config, {
    rank: Number(values.rank),
    targets,
    head: { kind: "classifier", classes: 2 },
  });
  writeFileAtomic(
    savePath,
    writeSafetensors(adapterToNamedTensors(spec, spamRun.adapter), { targets: values.targets, rank: values.rank }),
  );
  console.log(`spam: adapter saved to ${savePath}`);
}
const emails = loadSpamEmails();
const split = splitSpam(emails, seed);
const bayesOn = (name: HeldOut, text: (email: SpamEmail) => string): number => {
  const pick = (i: number): LabelledText => {
    const email = emails[i];
    return email === undefined ? { text: "", label: 0 } : { text: text(email), label: email.label };
  };
  return naiveBayesAccuracy(trainNaiveBayes(split.train.map(pick)), split[name].map(pick));
};
// The same baseline also on only the tokens the model reads, to show what the cut costs.
const tokenizer = createTokenizer(files.vocab);
const modelInput = (email: SpamEmail): string =>
  tokenizer.decode(tokenizer.encode(email.text).slice(0, spamWindows * seqLen));
const bayes = heldOut.map((name) => ({
  whole: bayesOn(name, (email) => email.text),
  modelInput: bayesOn(name, modelInput),
}));

const sotu = prepareTask("sotu", {
  clients: 1,
  alpha: 1,
  seed,
  seqLen,
  vocab: files.vocab,
  evalLimit: Number(values["sotu-eval"]),
});
if (!sotu.ok) throw new Error(sotu.error.reason);
const sotuTrain = wholeTrainingSplit(sotu.value.clientShards[0], sotu.value.calibrationShard);
const sotuHeldOut = [
  scoredOn(sotu.value, firstSplit),
  ...otherSplits.map((name) => scoredOn(sotu.value, name)),
] as const;
const sotuRun = await fineTune("sotu", { kind: "lm" }, sotuTrain, sotuHeldOut, Number(values["sotu-steps"]));

const probed = Number(values["probe-iterations"]) > 0 ? ", with the linearly probed head" : "";
console.log(`
Reference run: ${preset}, LoRA rank ${values.rank} on ${values.targets}, batch ${String(batch)}, lr ${values.lr} (${schedule}), seed ${String(seed)}, ${values.backend}
spam  (${String(spamTrain.lengths.length)} train emails, first ${String(spamWindows * seqLen)} tokens in windows of ${String(seqLen)}, trained on ${windows === "random" ? "one random window" : "whole rows"}, ${values["spam-steps"]} steps, ${spamRun.minutes.toFixed(1)} min)
  before fine-tuning     ${percent(accuracyOf(spamRun.before))} on ${firstSplit}${probed}`);
heldOut.forEach((name, i) => {
  const nb = bayes[i];
  console.log(
    `  ${name} (${String(spamHeldOut[i]?.lengths.length)} emails): LoRA ${percent(accuracyOf(spamRun.after[i]))}, naive Bayes ${percent(nb?.whole ?? Number.NaN)} (word counts; ${percent(nb?.modelInput ?? Number.NaN)} on the first ${String(spamWindows * seqLen)} tokens only)`,
  );
});
console.log(
  `sotu  (${String(sotuTrain.lengths.length)} train rows, ${values["sotu-steps"]} steps, ${sotuRun.minutes.toFixed(1)} min)`,
);
heldOut.forEach((name, i) => {
  console.log(
    `  ${name} (${String(sotuHeldOut[i]?.lengths.length)} rows) perplexity ${i === 0 ? perplexityOf(sotuRun.before).toFixed(1) : "-"} -> ${perplexityOf(sotuRun.after[i]).toFixed(1)}`,
  );
});

const resultPath = values.json;
if (resultPath !== undefined) {
  // One seed's figures, for reference-summary.ts to give the mean +- sd over seeds.
  const result: ReferenceResult = {
    preset,
    seed,
    settings: {
      rank: Number(values.rank),
      targets: values.targets,
      batch,
      lr: Number(values.lr),
      schedule,
      windows,
      spamWindows,
      spamSteps: Number(values["spam-steps"]),
      sotuSteps: Number(values["sotu-steps"]),
      sotuEval: Number(values["sotu-eval"]),
    },
    spam: {
      minutes: spamRun.minutes,
      probedHead: { split: firstSplit, accuracy: accuracyOf(spamRun.before) },
      splits: heldOut.map((name, i) => ({
        split: name,
        rows: spamHeldOut[i]?.lengths.length ?? 0,
        accuracy: accuracyOf(spamRun.after[i]),
        naiveBayes: bayes[i]?.whole ?? Number.NaN,
        naiveBayesOnModelInput: bayes[i]?.modelInput ?? Number.NaN,
      })),
    },
    sotu: {
      minutes: sotuRun.minutes,
      before: { split: firstSplit, perplexity: perplexityOf(sotuRun.before) },
      splits: heldOut.map((name, i) => ({
        split: name,
        rows: sotuHeldOut[i]?.lengths.length ?? 0,
        perplexity: perplexityOf(sotuRun.after[i]),
      })),
    },
  };
  writeFileAtomic(resultPath, JSON.stringify(result, null, 2) + "\n");
  console.log(`result written to ${resultPath}`);
}
