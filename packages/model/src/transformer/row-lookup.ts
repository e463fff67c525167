// Rows of a table picked by id, with a gradient the wasm backend has: tfjs's gather gradient needs
// UnsortedSegmentSum, which tfjs-backend-wasm 4.22 lacks, so the embedding's LoRA path used to look up by
// oneHot(ids) @ A^T, a [tokens, vocabulary] product. Here the gradient is scatterND, which sums the rows of
// repeated ids (as a gather's gradient must) on every backend: a nano step's embedding LoRA went from ~54 ms to
// ~0.5 ms for 512 tokens (docs/design-notes.md, "Gradients spelled for wasm").
import * as tf from "@tensorflow/tfjs-core";

/** table [V, k], ids [N] int32 in [0, V) -> [N, k]; d/dtable = sum over the rows of each id. */
export function lookUpRows(table: tf.Tensor, ids: tf.Tensor1D): tf.Tensor2D {
  if (table.rank !== 2) throw new Error(`lookUpRows: the table is ${String(table.rank)}-D, not 2-D`);
  const [rows = 0, width = 0] = table.shape;
  const lookUp = tf.customGrad<tf.Tensor>((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = inputs;
    if (x === undefined || typeof x === "function" || typeof save !== "function") {
      throw new Error("lookUpRows: bad arguments");
    }
    // Saved, not closed over: tensors made inside a gradient's forward pass are gone by the time it runs.
    save([ids]);
    return {
      value: tf.gather(x, ids),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [savedIds] = saved;
          if (savedIds === undefined) throw new Error("lookUpRows: nothing saved");
          return tf.scatterND(tf.reshape(savedIds, [ids.shape[0], 1]), dy, [rows, width]);
        }),
    };
  });
  return lookUp(table) as tf.Tensor2D;
}
