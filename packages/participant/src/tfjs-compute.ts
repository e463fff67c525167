// ParticipantCompute on tfjs (whatever backend the shell selected): the same code in a browser worker and in Node.
import { fail, ok, type AdapterSpec, type Result } from "@airlora/core";
import {
  PRESETS,
  taskHead,
  adapterSpecFor,
  decodeShard,
  disposeGpt,
  firstWindows,
  fitLinearHead,
  modelFromBytes,
  trainLocally,
  type ModelConfig,
  type GptModel,
  type Shard,
  type TaskHead,
} from "@airlora/model";
import { specFingerprint, type AdapterShape, type SessionInfo } from "@airlora/protocol";
import type { DownloadedFiles, ParticipantCompute } from "./compute";

interface Loaded {
  readonly info: SessionInfo;
  readonly model: GptModel;
  readonly shard: Shard;
  readonly task: TaskHead;
}

/** Where the base model comes from: by default each compute builds its own from the downloaded bytes; the
 * simulator's hundreds of virtual participants share one per run. `release` is called when a compute lets go. */
export interface ModelSource {
  acquire(info: SessionInfo, files: DownloadedFiles): Result<GptModel>;
  release(model: GptModel): void;
}

const ownModel: ModelSource = {
  acquire: (info, files) => modelFromBytes(PRESETS[info.preset], files.weights, files.poolingCentre),
  release: (model) => {
    disposeGpt(model);
  },
};

export function createTfjsCompute(models: ModelSource = ownModel): ParticipantCompute {
  let loaded: Loaded | undefined;
  const need = (): Result<Loaded> =>
    loaded === undefined ? fail({ code: "not-loaded", reason: "model and shard are not loaded yet" }) : ok(loaded);
  return {
    load(info, files) {
      if (loaded?.info.runId === info.runId) return ok({ rows: loaded.shard.lengths.length });
      const config = PRESETS[info.preset];
      const shard = decodeShard(files.shard);
      if (!shard.ok) return fail({ code: "bad-shard", reason: shard.error.reason });
      if (shard.value.task !== info.task) {
        return fail({ code: "bad-shard", reason: `the shard is for ${shard.value.task}, the run is ${info.task}` });
      }
      if (shard.value.vocabSize !== config.vocabSize) {
        return fail({ code: "bad-shard", reason: `shard vocabulary ${shard.value.vocabSize} != ${config.vocabSize}` });
      }
      const model = models.acquire(info, files);
      if (!model.ok) return fail({ code: "bad-model", reason: model.error.reason });
      if (loaded !== undefined) models.release(loaded.model);
      loaded = {
        info,
        model: model.value,
        shard: shard.value,
        task: taskHead(info.task),
      };
      return ok({ rows: shard.value.lengths.length });
    },

    specFor(shape) {
      const current = need();
      if (!current.ok) return current;
      return specForShape(current.value.model.config, current.value.task, shape);
    },

    async fitHead(spec: AdapterSpec, global, settings, limit) {
      const current = need();
      if (!current.ok) return current;
      const { model, shard, task } = current.value;
      if (task.kind !== "classifier") return fail({ code: "no-head", reason: "a language-model task has no head" });
      // With random windows the head classifies single windows, so it is fitted on each row's first one.
      const rows = settings.windows === "random" ? firstWindows(shard, model.config.nCtx) : shard;
      const head = await guarded(() =>
        fitLinearHead(model, rows, {
          classes: task.classes,
          iterations: settings.probeIterations,
          learningRate: settings.probeLearningRate,
          l2: settings.probeL2,
          deadlineAt: limit.deadlineAt,
          now: limit.now,
          signal: limit.signal,
        }),
      );
      if (!head.ok) return head;
      if (spec.dense.length !== 2) return fail({ code: "no-head", reason: "the adapter has no classifier head" });
      return ok({ adapter: { ...global, dense: [head.value.weight, head.value.bias] }, stepsDone: 0, meanLoss: null });
    },

    async train(spec, global, settings, request) {
      const current = need();
      if (!current.ok) return current;
      const { model, shard, task } = current.value;
      const result = await guarded(() =>
        trainLocally(model, spec, task, global, shard, {
          steps: request.steps,
          batchSize: settings.batchSize,
          microBatchSize: settings.microBatchSize,
          learningRate: settings.learningRate,
          windows: settings.windows,
          softLambda: settings.softLambda,
          freezeA: request.freezeA,
          seed: request.seed,
          deadlineMs: request.deadlineAt,
          now: request.now,
          signal: request.signal,
          onProgress: (p) => request.onStep?.(p.step, p.steps, p.loss, p.tokensPerSec),
        }),
      );
      if (!result.ok) return result;
      const { adapter, stepsDone, meanLoss } = result.value;
      return ok({ adapter, stepsDone, meanLoss: Number.isFinite(meanLoss) ? meanLoss : null });
    },

    dispose() {
      if (loaded !== undefined) models.release(loaded.model);
      loaded = undefined;
    },
  };
}

/** The adapter a round's shape names, for this model and task; refused unless its fingerprint is the coordinator's
 * (a participant built from other code would train a different adapter). */
export function specForShape(config: ModelConfig, task: TaskHead, shape: AdapterShape): Result<AdapterSpec> {
  const spec = adapterSpecFor(config, { rank: shape.rank, alpha: shape.alpha, targets: shape.targets, head: task });
  if (specFingerprint(spec) !== shape.fingerprint) {
    return fail({
      code: "spec-mismatch",
      reason: `the coordinator's adapter (fingerprint ${shape.fingerprint}) is not the one this build makes (${specFingerprint(spec)})`,
    });
  }
  return ok(spec);
}

/** tfjs throws (out of memory, a lost GPU context); at this boundary that becomes a value. */
async function guarded<T>(work: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await work());
  } catch (error) {
    return fail({ code: "compute-failed", reason: error instanceof Error ? error.message : String(error) });
  }
}
