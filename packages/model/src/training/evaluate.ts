// Evaluation of the base model + an adapter on a held-out shard: accuracy for classification, perplexity for LM.
import * as tf from "@tensorflow/tfjs-core";
import type { AdapterSpec, AdapterState } from "@airlora/core";
import { bindAdapter, disposeBound } from "../lora/adapter-binding";
import type { TaskHead } from "../lora/lora-targets";
import type { GptModel } from "../transformer/gpt";
import { batchOf } from "./batches";
import { classifierLogits, classifierLoss, taskLoss } from "./task-loss";
import { exampleCount, type TrainingExamples } from "./training-data";

export type Evaluation =
  | { readonly kind: "classifier"; readonly loss: number; readonly accuracy: number; readonly examples: number }
  | { readonly kind: "lm"; readonly loss: number; readonly perplexity: number; readonly examples: number };

/** Rows per forward-only pass (evaluation, a probe's features): 32, or fewer when rows span several context windows,
 * so that one pass reads at most 128 windows (256 windows of tiny ran out of the wasm backend's 4 GB heap). */
export function rowsPerForwardPass(contextTokens: number, rowTokens: number): number {
  const windowsPerRow = Math.ceil(rowTokens / contextTokens);
  return Math.max(1, Math.min(32, Math.floor(128 / windowsPerRow)));
}

export async function evaluateAdapter(
  model: GptModel,
  spec: AdapterSpec,
  task: TaskHead,
  adapter: AdapterState,
  data: TrainingExamples,
  batchSize = rowsPerForwardPass(model.config.nCtx, data.seqLen),
): Promise<Evaluation> {
  const bound = bindAdapter(spec, adapter, { a: false, b: false, dense: false });
  const count = exampleCount(data);
  let lossSum = 0;
  let correct = 0;
  try {
    for (let start = 0; start < count; start += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, count - start) }, (_, i) => start + i);
      const batch = batchOf(data, rows, task.kind === "classifier");
      const [loss, hits] = tf.tidy((): [tf.Scalar, tf.Scalar] => {
        const options = { lora: bound.binding };
        if (task.kind !== "classifier" || batch.labels === undefined) {
          return [taskLoss(model, task, batch, bound.dense, options), tf.scalar(0)];
        }
        // One forward pass gives both the loss and the predictions.
        const logits = classifierLogits(model, batch, bound.dense, options);
        const predicted = tf.argMax(logits, 1);
        return [
          classifierLoss(logits, batch.labels, task.classes),
          tf.sum(tf.cast(tf.equal(predicted, batch.labels), "int32")),
        ];
      });
      lossSum += ((await loss.data())[0] ?? Number.NaN) * rows.length;
      correct += (await hits.data())[0] ?? 0;
      tf.dispose([loss, hits, batch.tokens, batch.lengths, ...(batch.labels === undefined ? [] : [batch.labels])]);
    }
  } finally {
    disposeBound(bound);
  }
  const loss = lossSum / count;
  return task.kind === "classifier"
    ? { kind: "classifier", loss, accuracy: correct / count, examples: count }
    : { kind: "lm", loss, perplexity: Math.exp(loss), examples: count };
}
