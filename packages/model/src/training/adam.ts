// Adam with decoupled weight decay (AdamW) over tfjs variables, written out so that the learning rate can follow
// a schedule and the moments can be saved and restored (pretraining resumes from its checkpoint exactly).
import * as tf from "@tensorflow/tfjs-core";

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  readonly weightDecay?: number;
}

export interface AdamState {
  step: number;
  readonly m: Map<string, tf.Variable>;
  readonly v: Map<string, tf.Variable>;
}

export function createAdamState(params: ReadonlyMap<string, tf.Variable>): AdamState {
  const zeros = (): Map<string, tf.Variable> =>
    new Map([...params].map(([name, p]) => [name, tf.tidy(() => tf.variable(tf.zerosLike(p), false))]));
  return { step: 0, m: zeros(), v: zeros() };
}

export function disposeAdamState(state: AdamState): void {
  for (const t of [...state.m.values(), ...state.v.values()]) t.dispose();
}

/** One AdamW step. `decay(name)` says whether a parameter gets weight decay (not biases, LayerNorm gains). */
export function adamStep(
  params: ReadonlyMap<string, tf.Variable>,
  grads: Readonly<Record<string, tf.Tensor>>,
  state: AdamState,
  learningRate: number,
  options: AdamOptions = {},
  decay: (name: string) => boolean = () => true,
): void {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const eps = options.epsilon ?? 1e-8;
  const weightDecay = options.weightDecay ?? 0;
  state.step += 1;
  const correction1 = 1 - beta1 ** state.step;
  const correction2 = 1 - beta2 ** state.step;
  tf.tidy(() => {
    // The constants as tensors once per step, not once per use: tfjs makes a scalar tensor of every number an op is
    // given, ~200 a step for a nano adapter's 22 tensors. Same ops, same values.
    const b1 = tf.scalar(beta1);
    const b1c = tf.scalar(1 - beta1);
    const b2 = tf.scalar(beta2);
    const b2c = tf.scalar(1 - beta2);
    const c1 = tf.scalar(correction1);
    const c2 = tf.scalar(correction2);
    const epsilon = tf.scalar(eps);
    const decayRate = tf.scalar(weightDecay);
    const rate = tf.scalar(learningRate);
    for (const [name, param] of params) {
      const grad = grads[name];
      const m = state.m.get(name);
      const v = state.v.get(name);
      if (grad === undefined || m === undefined || v === undefined) continue;
      const mNext = tf.add(tf.mul(m, b1), tf.mul(grad, b1c));
      const vNext = tf.add(tf.mul(v, b2), tf.mul(tf.square(grad), b2c));
      m.assign(mNext);
      v.assign(vNext);
      const stepDir = tf.div(tf.div(mNext, c1), tf.add(tf.sqrt(tf.div(vNext, c2)), epsilon));
      const decayed = weightDecay > 0 && decay(name) ? tf.add(stepDir, tf.mul(param, decayRate)) : stepDir;
      param.assign(tf.sub(param, tf.mul(decayed, rate)));
    }
  });
}

/** Scales gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export async function clipByGlobalNorm(
  grads: Record<string, tf.Tensor>,
  maxNorm: number,
): Promise<{ clipped: Record<string, tf.Tensor>; norm: number }> {
  const squared = tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
  const norm = Math.sqrt((await squared.data())[0] ?? 0);
  squared.dispose();
  if (!(norm > maxNorm)) return { clipped: grads, norm };
  const factor = maxNorm / norm;
  const clipped: Record<string, tf.Tensor> = {};
  for (const [name, g] of Object.entries(grads)) {
    clipped[name] = tf.mul(g, factor);
    g.dispose();
  }
  return { clipped, norm };
}
