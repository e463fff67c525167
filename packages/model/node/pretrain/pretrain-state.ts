// Pretraining checkpoints: weights, Adam moments and the step in one safetensors file, so a run resumes exactly
// (batches are drawn from a per-step seed, so nothing else is needed).
import { existsSync, readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { readSafetensors, writeSafetensors, type NamedTensor } from "../../src/safetensors/safetensors";
import type { AdamState } from "../../src/training/adam";
import { writeFileAtomic } from "../files";

export async function savePretrainState(
  path: string,
  params: ReadonlyMap<string, tf.Variable>,
  adam: AdamState,
  meta: Record<string, string>,
): Promise<void> {
  const tensors = new Map<string, NamedTensor>();
  const add = async (prefix: string, source: ReadonlyMap<string, tf.Tensor>): Promise<void> => {
    for (const [name, tensor] of source) {
      tensors.set(`${prefix}${name}`, { shape: tensor.shape, data: Float32Array.from(await tensor.data()) });
    }
  };
  await add("param.", params);
  await add("adam.m.", adam.m);
  await add("adam.v.", adam.v);
  writeFileAtomic(path, writeSafetensors(tensors, { ...meta, adamStep: String(adam.step) }));
}

/** Restores a checkpoint into existing variables; returns its metadata, or undefined when there is none. */
export function loadPretrainState(
  path: string,
  params: ReadonlyMap<string, tf.Variable>,
  adam: AdamState,
): Record<string, string> | undefined {
  if (!existsSync(path)) return undefined;
  const read = readSafetensors(readFileSync(path));
  if (!read.ok) throw new Error(`checkpoint ${path}: ${read.error.reason}`);
  const restore = (prefix: string, target: ReadonlyMap<string, tf.Variable>): void => {
    for (const [name, variable] of target) {
      const saved = read.value.tensors.get(`${prefix}${name}`);
      if (saved === undefined) throw new Error(`checkpoint ${path} lacks ${prefix}${name}`);
      tf.tidy(() => {
        variable.assign(tf.tensor(saved.data, variable.shape));
      });
    }
  };
  restore("param.", params);
  restore("adam.m.", adam.m);
  restore("adam.v.", adam.v);
  adam.step = Number(read.value.metadata.adamStep ?? 0);
  return read.value.metadata;
}
