// Named tensors as a tf.io weights manifest and its one binary shard (docs/interfaces.md section 6), the pair
// tf.io.loadWeights and tf.io.weightsLoaderFactory read: weights.json = [{paths: ["weights.bin"], weights:
// [{name, shape, dtype: "float32"}, ...]}], weights.bin = the tensors' float32 values, little-endian, back to back
// in the manifest's order.
import type { NamedTensor } from "@airlora/core";

export const TFJS_MANIFEST_FILE = "weights.json";
export const TFJS_SHARD_FILE = "weights.bin";

export interface TfjsWeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: "float32";
}

export type TfjsWeightsManifest = readonly {
  readonly paths: readonly string[];
  readonly weights: readonly TfjsWeightEntry[];
}[];

/** The manifest and the shard for tensors in name order. */
export function tfjsWeights(tensors: ReadonlyMap<string, NamedTensor>): {
  manifest: TfjsWeightsManifest;
  shard: Uint8Array;
} {
  const names = [...tensors.keys()].sort();
  const entries: TfjsWeightEntry[] = [];
  let floats = 0;
  for (const name of names) {
    const tensor = tensors.get(name);
    if (tensor === undefined) continue;
    entries.push({ name, shape: [...tensor.shape], dtype: "float32" });
    floats += tensor.data.length;
  }
  const shard = new Uint8Array(4 * floats);
  const view = new DataView(shard.buffer);
  let at = 0;
  for (const name of names) {
    const data = tensors.get(name)?.data ?? new Float32Array(0);
    for (const value of data) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  return { manifest: [{ paths: [TFJS_SHARD_FILE], weights: entries }], shard };
}
