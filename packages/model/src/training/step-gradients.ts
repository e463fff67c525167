// One LoRA training step's loss and gradients (w.r.t. A, B and the head) without applying them: what the backend
// parity check compares across webgpu, webgl, wasm and cpu.
import * as tf from "@tensorflow/tfjs-core";
import type { AdapterSpec, AdapterState } from "@airlora/core";
import { bindAdapter, disposeBound, loraFactors } from "../lora/adapter-binding";
import type { TaskHead } from "../lora/lora-targets";
import { softRegulariserSumTf } from "../lora/soft-regulariser";
import type { GptModel } from "../transformer/gpt";
import { batchOf } from "./batches";
import { taskLoss } from "./task-loss";
import type { TrainingExamples } from "./training-data";

export interface StepGradients {
  readonly loss: number;
  /** Gradients in the order A_0, B_0, A_1, B_1, ..., then the dense tensors. */
  readonly gradients: readonly Float32Array[];
  /** Tensors the backend gave no gradient for (zeros stand in for them in `gradients`). */
  readonly missing: number;
}

export async function stepGradients(
  model: GptModel,
  spec: AdapterSpec,
  task: TaskHead,
  adapter: AdapterState,
  data: TrainingExamples,
  softLambda: number,
): Promise<StepGradients> {
  const bound = bindAdapter(spec, adapter, { a: true, b: true, dense: true });
  const rows = Array.from({ length: data.lengths.length }, (_, i) => i);
  const batch = batchOf(data, rows, task.kind === "classifier");
  const order = [...bound.a.flatMap((a, i) => [a, bound.b[i] ?? a]), ...bound.dense];
  try {
    const { value, grads } = tf.variableGrads(() => {
      const loss = taskLoss(model, task, batch, bound.dense, { lora: bound.binding });
      if (softLambda === 0) return loss;
      const reg = softRegulariserSumTf(loraFactors(bound));
      return tf.add<tf.Scalar>(loss, tf.mul(reg, softLambda));
    }, order);
    const loss = (await value.data())[0] ?? Number.NaN;
    const missing = order.filter((v) => grads[v.name] === undefined).length;
    const gradients = await Promise.all(
      order.map(async (v) => {
        const g = grads[v.name];
        return g === undefined ? new Float32Array(v.size) : Float32Array.from(await g.data());
      }),
    );
    tf.dispose([value, ...Object.values(grads)]);
    return { loss, gradients, missing };
  } finally {
    tf.dispose([batch.tokens, batch.lengths, ...(batch.labels === undefined ? [] : [batch.labels])]);
    disposeBound(bound);
  }
}

/** ||x - y|| / ||y||, the relative difference parity is judged by (0 when both are 0). */
export function relativeDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < y.length; i += 1) {
    const yi = y[i] ?? 0;
    diff += ((x[i] ?? 0) - yi) ** 2;
    norm += yi * yi;
  }
  if (norm === 0) return diff === 0 ? 0 : Infinity;
  return Math.sqrt(diff / norm);
}

export type ParityVerdict =
  | { readonly ok: true; readonly lossRelativeDifference: number; readonly maxGradientRelativeDifference: number }
  | { readonly ok: false; readonly reason: string };

/** One backend's step against the reference's (cpu): refused outright when the step is not comparable (no or missing
 * gradients, other shapes, all zeros, a non-finite loss), else the relative differences parity is judged by. */
export function compareStep(reference: StepGradients, got: StepGradients): ParityVerdict {
  if (got.gradients.length === 0) return { ok: false, reason: "the backend returned no gradients" };
  if (got.missing > 0) return { ok: false, reason: `the backend gave no gradient for ${got.missing} tensor(s)` };
  if (got.gradients.length !== reference.gradients.length) {
    return { ok: false, reason: `${got.gradients.length} gradients, the reference has ${reference.gradients.length}` };
  }
  for (const [i, g] of got.gradients.entries()) {
    const want = reference.gradients[i]?.length ?? -1;
    if (g.length !== want) return { ok: false, reason: `gradient ${i} has ${g.length} values, the reference ${want}` };
  }
  const energy = (list: readonly Float32Array[]): number =>
    list.reduce((s, g) => s + g.reduce((t, x) => t + x * x, 0), 0);
  if (!(energy(got.gradients) > 0)) return { ok: false, reason: "every gradient is zero" };
  if (!Number.isFinite(got.loss)) return { ok: false, reason: `the loss is ${String(got.loss)}` };
  const diffs = got.gradients.map((g, i) => relativeDifference(g, reference.gradients[i] ?? new Float32Array()));
  return {
    ok: true,
    lossRelativeDifference: Math.abs(got.loss - reference.loss) / Math.abs(reference.loss),
    maxGradientRelativeDifference: Math.max(...diffs),
  };
}
