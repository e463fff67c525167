// Copies and zero states: AdapterState arrays are mutable memory, so anything that keeps a state copies it.
import { denseSize, type AdapterSpec } from "./adapter-spec";
import type { AdapterState } from "./adapter-state";

/** A deep copy: no array is shared with the input. */
export function cloneAdapter(state: AdapterState): AdapterState {
  return {
    modules: state.modules.map((m) => ({ a: m.a.slice(), b: m.b.slice() })),
    dense: state.dense.map((t) => t.slice()),
  };
}

/** An all-zero state shaped by the spec (e.g. an empty error-feedback residual). */
export function zeroAdapter(spec: AdapterSpec): AdapterState {
  return {
    modules: spec.modules.map((m) => ({ a: new Float32Array(m.rank * m.k), b: new Float32Array(m.d * m.rank) })),
    dense: spec.dense.map((t) => new Float32Array(denseSize(t))),
  };
}
