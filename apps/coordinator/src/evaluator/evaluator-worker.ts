// The coordinator's evaluation worker thread: tfjs (wasm) with the base model, the task prepared once, TSFA stage 1's
// pilot, and every round's evaluation on the validation split (the test split is left for the report alone).
// Requests are served one at a time, in order.
import { parentPort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { fail, ok, updateSeparationGap, type Result } from "@airlora/core";
import {
  PRESETS,
  TASK_CLASSES,
  taskHead,
  adapterSpecFor,
  createGpt,
  encodeShard,
  evaluateAdapter,
  runPilot,
  type GptModel,
  type Shard,
  type TaskHead,
} from "@airlora/model";
import { loadBaseModel, prepareTask } from "@airlora/model/node";
import type {
  Envelope,
  EvaluatedRound,
  EvaluateRequest,
  EvaluatorReply,
  EvaluatorRequest,
  PreparedData,
  PrepareRequest,
} from "./evaluator-messages";

interface Held {
  readonly model: GptModel;
  /** The validation split (at most `--eval-rows` of it), what every round is scored on; or, for the report, test. */
  readonly evalShard: Shard;
  readonly task: TaskHead;
}

let held: Held | undefined;
/** The last preparation without a pilot, by its request: the report reads many runs of the same data in a row. */
let reusable: { readonly key: string; readonly held: Held; readonly data: PreparedData } | undefined;
let backendReady: Promise<boolean> | undefined;

async function prepare(request: PrepareRequest): Promise<Result<PreparedData>> {
  const key = JSON.stringify(request);
  if (request.pilot === null && reusable?.key === key) {
    held = reusable.held;
    return ok(reusable.data);
  }
  backendReady ??= tf.setBackend("wasm");
  if (!(await backendReady)) return fail({ code: "no-backend", reason: "tfjs wasm does not initialise here" });
  const base = loadBaseModel(request.preset);
  if (!base.ok) return base;
  const config = PRESETS[request.preset];
  const classes = TASK_CLASSES[request.task];
  const seqLen = classes === 0 ? config.nCtx : request.contextWindows * config.nCtx;
  const prepared = prepareTask(request.task, {
    clients: request.shards,
    alpha: request.alpha,
    seed: request.seed,
    seqLen,
    vocab: base.value.vocab,
    ...(request.evalRows === undefined ? {} : { evalLimit: request.evalRows }),
  });
  if (!prepared.ok) return prepared;
  const model = createGpt(config, base.value.weights, base.value.poolingCentre);
  const task = taskHead(request.task);
  const evalShard = request.split === "test" ? prepared.value.testShard : prepared.value.validationShard;
  held = { model, evalShard, task };
  let pilot: PreparedData["pilot"] = null;
  if (request.pilot !== null) {
    const { rank, targets, steps, training } = request.pilot;
    const spec = adapterSpecFor(config, { rank, targets, head: task });
    const result = await runPilot(model, spec, task, prepared.value.calibrationShard, {
      steps,
      batchSize: training.batchSize,
      microBatchSize: training.microBatchSize,
      learningRate: training.learningRate,
      softLambda: training.softLambda,
      windows: training.windows,
      seed: request.seed,
      probeIterations: training.probeIterations,
      probeLearningRate: training.probeLearningRate,
      probeL2: training.probeL2,
    });
    pilot = { spectrum: [...result.spectrum], msPerStep: result.msPerStep };
  }
  const data: PreparedData = {
    shards: prepared.value.clientShards.map((shard) => ({ bytes: encodeShard(shard), rows: shard.lengths.length })),
    evalRows: evalShard.lengths.length,
    evalRowsAvailable: prepared.value.stats.validationRowsAvailable,
    calibrationRows: prepared.value.calibrationShard.lengths.length,
    stats: JSON.parse(JSON.stringify(prepared.value.stats)) as unknown,
    pilot,
  };
  if (request.pilot === null) reusable = { key, held, data };
  return ok(data);
}

async function evaluate(request: EvaluateRequest): Promise<Result<EvaluatedRound>> {
  if (held === undefined) return fail({ code: "not-prepared", reason: "evaluate before prepare" });
  const { model, evalShard, task } = held;
  const result = await evaluateAdapter(model, request.spec, task, request.adapter, evalShard);
  if (!Number.isFinite(result.loss)) return fail({ code: "not-finite", reason: `evaluation loss is ${result.loss}` });
  const gap =
    request.diagnose === undefined
      ? undefined
      : updateSeparationGap(request.spec, request.diagnose.global, request.diagnose.contributions);
  return ok({
    evaluation:
      result.kind === "classifier"
        ? { loss: result.loss, accuracy: result.accuracy, examples: result.examples }
        : { loss: result.loss, perplexity: result.perplexity, examples: result.examples },
    separationGap: gap?.ok === true && Number.isFinite(gap.value.overall) ? gap.value.overall : null,
  });
}

async function serve(request: EvaluatorRequest): Promise<EvaluatorReply> {
  try {
    return request.type === "prepare" ? await prepare(request) : await evaluate(request);
  } catch (error) {
    return fail({ code: "evaluator-crashed", reason: error instanceof Error ? error.message : String(error) });
  }
}

const port = parentPort;
if (port === null) throw new Error("evaluator-worker.ts runs as a worker thread");
let queue: Promise<void> = Promise.resolve();
port.on("message", (envelope: Envelope<EvaluatorRequest>) => {
  queue = queue.then(async () => {
    const reply = await serve(envelope.body);
    port.postMessage({ id: envelope.id, body: reply } satisfies Envelope<EvaluatorReply>);
  });
});
