// Small helpers the transformer tests share.
import * as tf from "@tensorflow/tfjs-core";

/** Token id rows as an int32 [rows, length] tensor. */
export function ids(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0], "int32");
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Number.NaN);
}
