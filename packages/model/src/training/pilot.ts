// The pilot of TSFA stage 1 (the LoRA rank, chosen once before round 1; @airlora/core's chooseRank): a short,
// deterministic fine-tune at the largest candidate rank on the coordinator's calibration slice, whose per-rank
// importance s_i^2 = ||b'_i a'_i^T - b_i a_i^T||_F^2 (core's rankImportance) says how the change concentrates on
// the rank components. As in the reference run, a classifier's head is first fitted by a linear probe (LP-FT), so
// that LoRA's gradients point somewhere useful from the first step.
import type { AdapterSpec } from "@airlora/core";
import { initAdapter, rankImportance } from "@airlora/core";
import type { TaskHead } from "../lora/lora-targets";
import type { GptModel } from "../transformer/gpt";
import { fitLinearHead } from "./linear-probe";
import { trainLocally, type TrainingProgress } from "./local-trainer";
import { firstWindows, type TrainingExamples } from "./training-data";

export interface PilotOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly microBatchSize?: number;
  /** Constant, as in a round. */
  readonly learningRate: number;
  readonly softLambda: number;
  readonly windows?: "whole" | "random";
  /** The adapter starts from initAdapter(spec, seed); batches are drawn with seed + 1. */
  readonly seed: number;
  /** The linear probe of a classifier's head (fitLinearHead); 0 keeps the seeded head. */
  readonly probeIterations: number;
  readonly probeLearningRate: number;
  readonly probeL2: number;
  /** After each LoRA step (the probe before them is not reported). */
  readonly onProgress?: (progress: TrainingProgress) => void;
}

export interface PilotResult {
  /** Per LoRA module (spec order), s_i^2 for each of its rank indices. */
  readonly importance: Float64Array[];
  /** Length r (the spec's rank): for each rank index i, the sum over modules of s_i^2; chooseRank's pilotSpectrum. */
  readonly spectrum: number[];
  /** Wall time per LoRA step on this backend (the probe excluded). */
  readonly msPerStep: number;
  /** The probed head the fine-tune started from (a classifier with probeIterations > 0): a round-0 head for the
   * federated run, in the layout of the spec's dense tensors ([features, classes], [classes]). */
  readonly head?: { readonly weight: Float32Array; readonly bias: Float32Array };
}

export async function runPilot(
  model: GptModel,
  spec: AdapterSpec,
  task: TaskHead,
  calibration: TrainingExamples,
  options: PilotOptions,
): Promise<PilotResult> {
  const seeded = initAdapter(spec, options.seed);
  let head: PilotResult["head"];
  if (task.kind === "classifier" && options.probeIterations > 0) {
    // With random windows the head classifies single windows, so it is probed on each row's first one (as the
    // reference run does), which also keeps the probe's forward pass at one context per row.
    const probeData = options.windows === "random" ? firstWindows(calibration, model.config.nCtx) : calibration;
    const fitted = await fitLinearHead(model, probeData, {
      classes: task.classes,
      iterations: options.probeIterations,
      learningRate: options.probeLearningRate,
      l2: options.probeL2,
    });
    head = { weight: fitted.weight, bias: fitted.bias };
  }
  const start = head === undefined ? seeded : { ...seeded, dense: [head.weight, head.bias] };
  const trained = await trainLocally(model, spec, task, start, calibration, {
    steps: options.steps,
    batchSize: options.batchSize,
    learningRate: options.learningRate,
    softLambda: options.softLambda,
    seed: options.seed + 1,
    ...(options.microBatchSize === undefined ? {} : { microBatchSize: options.microBatchSize }),
    ...(options.windows === undefined ? {} : { windows: options.windows }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const importance = spec.modules.map((m, i) => {
    const before = start.modules[i];
    const after = trained.adapter.modules[i];
    if (before === undefined || after === undefined) throw new Error(`pilot: no factors for module ${m.name}`);
    return rankImportance(before, after, m.d, m.k, m.rank);
  });
  const rank = Math.max(0, ...spec.modules.map((m) => m.rank));
  const spectrum = Array.from({ length: rank }, (_, r) => importance.reduce((sum, s) => sum + (s[r] ?? 0), 0));
  return {
    importance,
    spectrum,
    msPerStep: trained.stepsDone === 0 ? Number.NaN : trained.elapsedMs / trained.stepsDone,
    ...(head === undefined ? {} : { head }),
  };
}
