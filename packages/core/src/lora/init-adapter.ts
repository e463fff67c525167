// The round-0 adapter (docs/algorithms.md section 1.2): A rows orthonormal and scaled, B = 0, so B A = 0 and training
// starts from the base model exactly.
import { createRng } from "../random/rng";
import { denseSize, type AdapterSpec } from "./adapter-spec";
import type { AdapterState, LoraModuleState } from "./adapter-state";
import { orthonormalRows } from "./orthonormal-rows";

/**
 * Norm of each row of A at init. PEFT initialises A Kaiming-uniform, U(-1/sqrt(k), 1/sqrt(k)), whose entries have
 * RMS 1/sqrt(3k), i.e. rows of expected norm 1/sqrt(3). We keep that magnitude (so learning rates carry over from
 * PEFT recipes) but make the rows orthogonal, which is where SOFT wants them (R = 0 at init).
 */
export const A_INIT_ROW_NORM = 1 / Math.sqrt(3);

/**
 * Standard deviation of the seeded normal init of dense tensors with two or more dimensions (the task head). 0.02 is
 * GPT-2's init. A zero head would block every gradient into the LoRA factors on the first step (dL/dh = W_head^T
 * (p - y) = 0), so matrices start small and random; vectors (biases) start at 0.
 */
export const DENSE_INIT_STD = 0.02;

/**
 * The seeded initial adapter. Each module and each dense tensor draws from its own stream forked from `seed` in
 * spec order, so a module's init depends only on the seed and its position. When rank > k, A's rows are
 * orthonormal within blocks of k rows (see `orthonormalRows`).
 *
 * Replay across machines: V8 (Node, Chrome) computes Math.log/cos identically, other engines may differ in the last
 * bit, so clients should take A from the downloaded global adapter rather than re-deriving it (this matters for
 * ffa, whose A stays frozen).
 */
export function initAdapter(spec: AdapterSpec, seed: number): AdapterState {
  const root = createRng(seed);
  const moduleRngs = spec.modules.map(() => root.fork());
  const denseRngs = spec.dense.map(() => root.fork());
  const modules = spec.modules.map((m, index): LoraModuleState => {
    const rng = moduleRngs[index] ?? root.fork();
    return { a: orthonormalRows(m.rank, m.k, A_INIT_ROW_NORM, rng), b: new Float32Array(m.d * m.rank) };
  });
  const dense = spec.dense.map((tensor, index) => {
    const data = new Float32Array(denseSize(tensor));
    if (tensor.shape.length < 2) return data;
    const rng = denseRngs[index] ?? root.fork();
    for (let i = 0; i < data.length; i += 1) data[i] = rng.normal() * DENSE_INIT_STD;
    return data;
  });
  return { modules, dense };
}
