// The encoder's shape check: an update must fit its spec exactly before a byte is written (docs/protocol.md).
// Values (NaN, Infinity, fp16 range) are checked while they are written, in encode-update.ts.
import {
  denseSize,
  ok,
  type AdapterSpec,
  type AdapterUpdate,
  type LoraModuleSpec,
  type Result,
  type SoftModuleUpdate,
  type TopkModuleUpdate,
} from "@airlora/core";
import { codecFail, denseLabel, moduleLabel, type CodecError } from "./codec-error";

type Check = Result<void, CodecError>;
const PASS: Check = ok(undefined);

function lengthIs(label: string, what: string, actual: number, expected: number, formula: string): Check {
  return actual === expected
    ? PASS
    : codecFail("bad-shape", `${label}: ${what} has ${actual} values, expected ${formula} = ${expected}`);
}

function checkSoft(label: string, spec: LoraModuleSpec, update: SoftModuleUpdate): Check {
  const { d, k, rank: r } = spec;
  let previous = -1;
  for (const [position, i] of update.ranks.entries()) {
    if (!Number.isInteger(i) || i < 0 || i >= r) {
      return codecFail("bad-rank", `${label}: rank index ${i} (position ${position}) is not an integer in [0, r=${r})`);
    }
    if (i <= previous) {
      return codecFail(
        "bad-rank",
        `${label}: rank indices not strictly increasing at position ${position} (${i} after ${previous})`,
      );
    }
    previous = i;
  }
  const kept = update.ranks.length;
  const a = lengthIs(label, "a'", update.a.length, kept * k, `kept=${kept} * k=${k}`);
  return a.ok ? lengthIs(label, "b'", update.b.length, kept * d, `kept=${kept} * d=${d}`) : a;
}

function checkIndices(label: string, factor: "dA" | "dB", index: Uint32Array, size: number, formula: string): Check {
  let previous = -1;
  for (const [position, i] of index.entries()) {
    if (i >= size)
      return codecFail("bad-index", `${label}: ${factor} index ${i} (position ${position}) >= ${formula} = ${size}`);
    if (i <= previous) {
      return codecFail(
        "bad-index",
        `${label}: ${factor} indices not strictly increasing at position ${position} (${i} after ${previous})`,
      );
    }
    previous = i;
  }
  return PASS;
}

function checkTopk(label: string, spec: LoraModuleSpec, update: TopkModuleUpdate): Check {
  const { d, k, rank: r } = spec;
  const checks = [
    () => lengthIs(label, "dA", update.aDelta.length, update.aIndex.length, "its index count"),
    () => lengthIs(label, "dB", update.bDelta.length, update.bIndex.length, "its index count"),
    () => checkIndices(label, "dA", update.aIndex, r * k, `r*k`),
    () => checkIndices(label, "dB", update.bIndex, d * r, `d*r`),
  ];
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return PASS;
}

function checkModule(spec: AdapterSpec, update: AdapterUpdate, m: number): Check {
  const module = spec.modules[m];
  if (module === undefined) return PASS;
  const label = moduleLabel(spec, m);
  const { d, k, rank: r } = module;
  switch (update.kind) {
    case "dense": {
      const mu = update.modules[m];
      if (mu === undefined) return PASS;
      const a = lengthIs(label, "A'", mu.a.length, r * k, `r=${r} * k=${k}`);
      return a.ok ? lengthIs(label, "B'", mu.b.length, d * r, `d=${d} * r=${r}`) : a;
    }
    case "b-only": {
      const mu = update.modules[m];
      return mu === undefined ? PASS : lengthIs(label, "B'", mu.b.length, d * r, `d=${d} * r=${r}`);
    }
    case "soft": {
      const mu = update.modules[m];
      return mu === undefined ? PASS : checkSoft(label, module, mu);
    }
    case "topk": {
      const mu = update.modules[m];
      return mu === undefined ? PASS : checkTopk(label, module, mu);
    }
  }
}

export function checkUpdate(spec: AdapterSpec, update: AdapterUpdate): Check {
  if (!Number.isInteger(update.round) || update.round < 0 || update.round > 0xffffffff) {
    return codecFail("bad-round", `round ${update.round} is not an integer in [0, 2^32)`);
  }
  if (update.modules.length !== spec.modules.length) {
    return codecFail(
      "bad-shape",
      `${update.modules.length} module updates, the spec has ${spec.modules.length} modules`,
    );
  }
  if (update.dense.length !== spec.dense.length) {
    return codecFail("bad-shape", `${update.dense.length} dense tensors, the spec has ${spec.dense.length}`);
  }
  for (let m = 0; m < spec.modules.length; m += 1) {
    const result = checkModule(spec, update, m);
    if (!result.ok) return result;
  }
  for (const [t, tensor] of spec.dense.entries()) {
    const values = update.dense[t];
    const size = denseSize(tensor);
    if (values?.length !== size) {
      return codecFail(
        "bad-shape",
        `${denseLabel(spec, t)}: ${values?.length ?? 0} values, expected ${size} (shape [${tensor.shape.join(", ")}])`,
      );
    }
  }
  return PASS;
}
