// The aggregation rules' guard on every contribution: the kind the rule expects, the spec's shapes, valid rank and
// element indices, finite values. The codec checks the same on decode; this keeps in-process callers honest too.
import type { AdapterSpec } from "../lora/adapter-spec";
import { denseSize } from "../lora/adapter-spec";
import { checkTensor as checkTensorValues } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import type { UpdateOfKind } from "../soft/update-build";
import type { AdapterUpdate, UpdateKind } from "../update/adapter-update";

/** Strictly increasing integers in [0, limit). */
function checkIndices(name: string, indices: ArrayLike<number>, limit: number): Result<void> {
  let previous = -1;
  for (let i = 0; i < indices.length; i += 1) {
    const index = indices[i] ?? -1;
    if (!Number.isInteger(index) || index <= previous || index >= limit) {
      return fail({
        code: "bad-index",
        reason: `${name}[${i}] = ${index}: indices must increase strictly below ${limit}`,
      });
    }
    previous = index;
  }
  return ok(undefined);
}

/** Whether to scan values for NaN and Infinity, or only shapes and indices (the rules check values on the result). */
interface CheckOptions {
  readonly values: boolean;
}

type TensorCheck = (name: string, values: Float32Array, length: number) => Result<void>;

const PASS: Result<void> = ok(undefined);
const checkLength: TensorCheck = (name, values, length) =>
  values.length === length
    ? PASS
    : fail({ code: "shape-mismatch", reason: `${name}: expected ${length} values, got ${values.length}` });

/** A tensor's length, and its values when the options ask for them. */
const tensorChecker = (options: CheckOptions): TensorCheck => (options.values ? checkTensorValues : checkLength);

function checkModule(spec: AdapterSpec, update: AdapterUpdate, index: number, options: CheckOptions): Result<void> {
  const checkTensor = tensorChecker(options);
  const m = spec.modules[index];
  if (m === undefined) return fail({ code: "shape-mismatch", reason: `module ${index} is not in the spec` });
  const { d, k, rank: r, name } = m;
  switch (update.kind) {
    case "dense": {
      const values = update.modules[index];
      if (values === undefined) return fail({ code: "shape-mismatch", reason: `${name}: missing` });
      const a = checkTensor(`${name}.lora_A`, values.a, r * k);
      return a.ok ? checkTensor(`${name}.lora_B`, values.b, d * r) : a;
    }
    case "b-only": {
      const values = update.modules[index];
      if (values === undefined) return fail({ code: "shape-mismatch", reason: `${name}: missing` });
      return checkTensor(`${name}.lora_B`, values.b, d * r);
    }
    case "soft": {
      const values = update.modules[index];
      if (values === undefined) return fail({ code: "shape-mismatch", reason: `${name}: missing` });
      const ranks = checkIndices(`${name}.ranks`, values.ranks, r);
      if (!ranks.ok) return ranks;
      const a = checkTensor(`${name}.lora_A (kept rows)`, values.a, values.ranks.length * k);
      return a.ok ? checkTensor(`${name}.lora_B (kept columns)`, values.b, values.ranks.length * d) : a;
    }
    case "topk": {
      const values = update.modules[index];
      if (values === undefined) return fail({ code: "shape-mismatch", reason: `${name}: missing` });
      const aIndex = checkIndices(`${name}.aIndex`, values.aIndex, r * k);
      if (!aIndex.ok) return aIndex;
      const aDelta = checkTensor(`${name}.aDelta`, values.aDelta, values.aIndex.length);
      if (!aDelta.ok) return aDelta;
      const bIndex = checkIndices(`${name}.bIndex`, values.bIndex, d * r);
      return bIndex.ok ? checkTensor(`${name}.bDelta`, values.bDelta, values.bIndex.length) : bIndex;
    }
    default:
      return update satisfies never;
  }
}

/** The update is of `kind` and fits the spec exactly (and, unless `values` is false, holds only finite values). */
export function checkUpdate<K extends UpdateKind>(
  spec: AdapterSpec,
  update: AdapterUpdate,
  kind: K,
  options: CheckOptions = { values: true },
): Result<UpdateOfKind<K>> {
  if (update.kind !== kind)
    return fail({ code: "wrong-kind", reason: `expected a ${kind} update, got ${update.kind}` });
  if (update.modules.length !== spec.modules.length) {
    return fail({
      code: "shape-mismatch",
      reason: `expected ${spec.modules.length} LoRA modules, got ${update.modules.length}`,
    });
  }
  if (update.dense.length !== spec.dense.length) {
    return fail({
      code: "shape-mismatch",
      reason: `expected ${spec.dense.length} dense tensors, got ${update.dense.length}`,
    });
  }
  for (let index = 0; index < spec.modules.length; index += 1) {
    const checked = checkModule(spec, update, index, options);
    if (!checked.ok) return checked;
  }
  for (const [index, tensor] of spec.dense.entries()) {
    const checked = tensorChecker(options)(tensor.name, update.dense[index] ?? new Float32Array(0), denseSize(tensor));
    if (!checked.ok) return checked;
  }
  return ok(update as UpdateOfKind<K>);
}
