// An adapter as named tensors, the form safetensors files, PEFT exports and checkpoints use (docs/interfaces.md):
// `${module}.lora_A` [r, k], `${module}.lora_B` [d, r], dense tensors under their own names and shapes.
import { fail, ok, type Result } from "../result";
import { denseSize, type AdapterSpec } from "./adapter-spec";
import type { AdapterState, LoraModuleState } from "./adapter-state";
import { checkTensor } from "./validate-adapter";

export interface NamedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function loraATensorName(moduleName: string): string {
  return `${moduleName}.lora_A`;
}

export function loraBTensorName(moduleName: string): string {
  return `${moduleName}.lora_B`;
}

/**
 * Every tensor of the adapter by name, in spec order (each module's A then B, then dense). Data is copied. Expects a
 * state that passes `validateAdapter` (a missing entry comes out empty).
 */
export function adapterToNamedTensors(spec: AdapterSpec, state: AdapterState): Map<string, NamedTensor> {
  const out = new Map<string, NamedTensor>();
  for (const [index, m] of spec.modules.entries()) {
    const values = state.modules[index];
    out.set(loraATensorName(m.name), { shape: [m.rank, m.k], data: values?.a.slice() ?? new Float32Array(0) });
    out.set(loraBTensorName(m.name), { shape: [m.d, m.rank], data: values?.b.slice() ?? new Float32Array(0) });
  }
  for (const [index, tensor] of spec.dense.entries()) {
    out.set(tensor.name, { shape: [...tensor.shape], data: state.dense[index]?.slice() ?? new Float32Array(0) });
  }
  return out;
}

function take(
  tensors: ReadonlyMap<string, NamedTensor>,
  name: string,
  shape: readonly number[],
  length: number,
): Result<Float32Array> {
  const tensor = tensors.get(name);
  if (tensor === undefined) return fail({ code: "missing-tensor", reason: `${name} is missing` });
  const sameShape = tensor.shape.length === shape.length && tensor.shape.every((dim, i) => dim === shape[i]);
  if (!sameShape) {
    return fail({
      code: "shape-mismatch",
      reason: `${name}: expected shape [${shape.join(", ")}], got [${tensor.shape.join(", ")}]`,
    });
  }
  const checked = checkTensor(name, tensor.data, length);
  return checked.ok ? ok(tensor.data.slice()) : checked;
}

/**
 * The inverse of `adapterToNamedTensors`: every expected name present with exactly its shape and finite values, and
 * no other names (a stray tensor means the file belongs to another spec). Data is copied, so the result owns its
 * arrays even when the inputs view a shared file buffer.
 */
export function adapterFromNamedTensors(
  spec: AdapterSpec,
  tensors: ReadonlyMap<string, NamedTensor>,
): Result<AdapterState> {
  const expected = new Set<string>();
  const modules: LoraModuleState[] = [];
  for (const m of spec.modules) {
    const aName = loraATensorName(m.name);
    const bName = loraBTensorName(m.name);
    expected.add(aName).add(bName);
    const a = take(tensors, aName, [m.rank, m.k], m.rank * m.k);
    if (!a.ok) return a;
    const b = take(tensors, bName, [m.d, m.rank], m.d * m.rank);
    if (!b.ok) return b;
    modules.push({ a: a.value, b: b.value });
  }
  const dense: Float32Array[] = [];
  for (const tensor of spec.dense) {
    expected.add(tensor.name);
    const values = take(tensors, tensor.name, tensor.shape, denseSize(tensor));
    if (!values.ok) return values;
    dense.push(values.value);
  }
  for (const name of tensors.keys()) {
    if (!expected.has(name)) return fail({ code: "unknown-tensor", reason: `${name} is not in the adapter spec` });
  }
  return ok({ modules, dense });
}
