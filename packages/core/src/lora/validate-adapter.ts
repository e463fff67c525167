// Shape and value checks for an AdapterState against its spec: the guard every boundary (checkpoint load, worker
// message, client update builder) runs before doing math on a state.
import { simdKernels } from "../kernels/simd-kernels";
import { fail, ok, type Result } from "../result";
import { denseSize, type AdapterSpec } from "./adapter-spec";
import type { AdapterState } from "./adapter-state";

/** Index of the first NaN or +-Infinity, or -1 (a clean array is answered by the vector kernel where it runs). */
export function firstNonFinite(values: Float32Array): number {
  if (simdKernels()?.anyNonFinite(values) === false) return -1;
  for (let i = 0; i < values.length; i += 1) if (!Number.isFinite(values[i])) return i;
  return -1;
}

/** A named array has the expected length and only finite values. */
export function checkTensor(name: string, values: Float32Array, length: number): Result<void> {
  if (values.length !== length) {
    return fail({ code: "shape-mismatch", reason: `${name}: expected ${length} values, got ${values.length}` });
  }
  const bad = firstNonFinite(values);
  if (bad >= 0) return fail({ code: "non-finite", reason: `${name}[${bad}] is ${values[bad]}` });
  return ok(undefined);
}

/** Every module and dense tensor present, with the spec's lengths and finite values. */
export function validateAdapter(spec: AdapterSpec, state: AdapterState): Result<void> {
  if (state.modules.length !== spec.modules.length) {
    return fail({
      code: "shape-mismatch",
      reason: `expected ${spec.modules.length} LoRA modules, got ${state.modules.length}`,
    });
  }
  if (state.dense.length !== spec.dense.length) {
    return fail({
      code: "shape-mismatch",
      reason: `expected ${spec.dense.length} dense tensors, got ${state.dense.length}`,
    });
  }
  for (const [index, m] of spec.modules.entries()) {
    const values = state.modules[index];
    if (values === undefined) return fail({ code: "shape-mismatch", reason: `${m.name}: missing` });
    const a = checkTensor(`${m.name}.lora_A`, values.a, m.rank * m.k);
    if (!a.ok) return a;
    const b = checkTensor(`${m.name}.lora_B`, values.b, m.d * m.rank);
    if (!b.ok) return b;
  }
  for (const [index, tensor] of spec.dense.entries()) {
    const values = state.dense[index];
    if (values === undefined) return fail({ code: "shape-mismatch", reason: `${tensor.name}: missing` });
    const checked = checkTensor(tensor.name, values, denseSize(tensor));
    if (!checked.ok) return checked;
  }
  return ok(undefined);
}
