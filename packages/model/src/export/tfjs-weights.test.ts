import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { TFJS_SHARD_FILE, tfjsWeights } from "./tfjs-weights";

describe("tfjsWeights", () => {
  it("writes a manifest and shard that tf.io's weights loader reads back to the same named tensors", async () => {
    await tf.setBackend("cpu");
    const tensors = new Map([
      ["h.0.attn.q.lora_B", { shape: [3, 2], data: Float32Array.from([1, -2, 3.5, 1e-7, -0, 6]) }],
      ["head.bias", { shape: [2], data: Float32Array.from([0.25, -8]) }],
      ["wte.lora_A", { shape: [2, 4], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }],
    ]);
    const { manifest, shard } = tfjsWeights(tensors);
    const fetched: string[] = [];
    const load = tf.io.weightsLoaderFactory((paths) => {
      fetched.push(...paths);
      return Promise.resolve(paths.map(() => shard.slice().buffer));
    });
    const read = await load(JSON.parse(JSON.stringify(manifest)) as tf.io.WeightsManifestConfig, "./");
    expect(fetched).toEqual([`./${TFJS_SHARD_FILE}`]);
    expect(Object.keys(read).sort()).toEqual([...tensors.keys()].sort());
    for (const [name, tensor] of tensors) {
      expect(read[name]?.shape).toEqual(tensor.shape);
      expect(Float32Array.from(read[name]?.dataSync() ?? [])).toEqual(tensor.data);
    }
    tf.dispose(Object.values(read));
  });
});
