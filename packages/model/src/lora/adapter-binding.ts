// Variables stay unnamed (tfjs names are global): several trainers may run side by side in one Node process.
// Turns an AdapterState (plain Float32Arrays, what travels) into tfjs variables the forward pass can use, and back.
import * as tf from "@tensorflow/tfjs-core";
import type { AdapterSpec, AdapterState } from "@airlora/core";
import type { LoraBinding } from "../transformer/gpt";

export interface BoundAdapter {
  readonly binding: LoraBinding;
  readonly a: readonly tf.Variable[];
  readonly b: readonly tf.Variable[];
  readonly dense: readonly tf.Variable[];
}

export function bindAdapter(
  spec: AdapterSpec,
  state: AdapterState,
  trainable: { a: boolean; b: boolean; dense: boolean },
): BoundAdapter {
  const a: tf.Variable[] = [];
  const b: tf.Variable[] = [];
  const modules = new Map<string, { a: tf.Tensor; b: tf.Tensor }>();
  spec.modules.forEach((module, i) => {
    const values = state.modules[i];
    if (values === undefined) throw new Error(`adapter state lacks module ${module.name}`);
    const av = tf.tidy(() => tf.variable(tf.tensor2d(values.a, [module.rank, module.k]), trainable.a));
    const bv = tf.tidy(() => tf.variable(tf.tensor2d(values.b, [module.d, module.rank]), trainable.b));
    a.push(av);
    b.push(bv);
    modules.set(module.name, { a: av, b: bv });
  });
  const dense = spec.dense.map((tensor, i) => {
    const values = state.dense[i];
    if (values === undefined) throw new Error(`adapter state lacks dense tensor ${tensor.name}`);
    // tidy: tf.variable keeps its initial tensor alive otherwise
    return tf.tidy(() => tf.variable(tf.tensor(values, [...tensor.shape]), trainable.dense));
  });
  const scale = spec.modules.length === 0 ? 1 : spec.alpha / (spec.modules[0]?.rank ?? 1);
  return { binding: { scale, modules }, a, b, dense };
}

export async function readAdapter(bound: BoundAdapter): Promise<AdapterState> {
  const modules = await Promise.all(bound.a.map(async (a, i) => ({ a: await floats(a), b: await floats(bound.b[i]) })));
  const dense = await Promise.all(bound.dense.map(floats));
  return { modules, dense };
}

/** Each module's (A, B) variables, in the spec's order. */
export function loraFactors(bound: BoundAdapter): { a: tf.Variable; b: tf.Variable }[] {
  return bound.a.flatMap((a, i) => {
    const b = bound.b[i];
    return b === undefined ? [] : [{ a, b }];
  });
}

export function disposeBound(bound: BoundAdapter): void {
  tf.dispose([...bound.a, ...bound.b, ...bound.dense]);
}

async function floats(t: tf.Tensor | undefined): Promise<Float32Array> {
  if (t === undefined) return new Float32Array(0);
  // Copy: some backends hand out their own backing array, which must not leak into state we keep.
  return Float32Array.from(await t.data());
}
