import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng";
import type { AdapterSpec } from "./adapter-spec";
import { adapterFromNamedTensors, adapterToNamedTensors, type NamedTensor } from "./adapter-tensors";
import { cloneAdapter } from "./clone-adapter";
import { randomState } from "./test-fixtures";
import { validateAdapter } from "./validate-adapter";

const spec: AdapterSpec = {
  modules: [
    { name: "h.0.attn.q", d: 4, k: 3, rank: 2 },
    { name: "h.0.attn.v", d: 3, k: 4, rank: 2 },
  ],
  dense: [{ name: "head.weight", shape: [2, 3] }],
  alpha: 8,
};

function errorCode(tensors: Map<string, NamedTensor>): string | undefined {
  const result = adapterFromNamedTensors(spec, tensors);
  return result.ok ? undefined : result.error.code;
}

describe("adapter named tensors", () => {
  it("round-trips every state through named tensors unchanged", () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const state = randomState(spec, createRng(seed));
        const back = adapterFromNamedTensors(spec, adapterToNamedTensors(spec, state));
        expect(back).toEqual({ ok: true, value: state });
      }),
      { numRuns: 30 },
    );
  });

  it("names and shapes tensors the PEFT way: lora_A [r, k], lora_B [d, r], dense as is", () => {
    const tensors = adapterToNamedTensors(spec, randomState(spec, createRng(1)));
    expect([...tensors.entries()].map(([name, t]) => [name, t.shape])).toEqual([
      ["h.0.attn.q.lora_A", [2, 3]],
      ["h.0.attn.q.lora_B", [4, 2]],
      ["h.0.attn.v.lora_A", [2, 4]],
      ["h.0.attn.v.lora_B", [3, 2]],
      ["head.weight", [2, 3]],
    ]);
  });

  it("rejects a missing, extra, misshapen or non-finite tensor", () => {
    const good = (): Map<string, NamedTensor> => adapterToNamedTensors(spec, randomState(spec, createRng(2)));
    const missing = good();
    missing.delete("h.0.attn.v.lora_B");
    expect(errorCode(missing)).toBe("missing-tensor");
    const extra = good().set("h.1.attn.q.lora_A", { shape: [1], data: new Float32Array(1) });
    expect(errorCode(extra)).toBe("unknown-tensor");
    const transposed = good().set("h.0.attn.q.lora_A", { shape: [3, 2], data: new Float32Array(6) });
    expect(errorCode(transposed)).toBe("shape-mismatch");
    const short = good().set("head.weight", { shape: [2, 3], data: new Float32Array(5) });
    expect(errorCode(short)).toBe("shape-mismatch");
    const nan = good().set("head.weight", { shape: [2, 3], data: new Float32Array([0, 1, 2, Number.NaN, 4, 5]) });
    expect(errorCode(nan)).toBe("non-finite");
    expect(errorCode(good())).toBeUndefined();
  });

  it("copies data in both directions, so later writes to one side never reach the other", () => {
    const state = randomState(spec, createRng(3));
    const tensors = adapterToNamedTensors(spec, state);
    const before = cloneAdapter(state);
    tensors.get("h.0.attn.q.lora_A")?.data.fill(7);
    expect(state).toEqual(before);
    const back = adapterFromNamedTensors(spec, adapterToNamedTensors(spec, state));
    if (back.ok) back.value.modules[0]?.a.fill(7);
    expect(state).toEqual(before);
  });
});

describe("validateAdapter and cloneAdapter", () => {
  it("rejects wrong counts, wrong lengths and non-finite values and accepts a well-formed state", () => {
    const state = randomState(spec, createRng(4));
    expect(validateAdapter(spec, state).ok).toBe(true);
    expect(validateAdapter(spec, { ...state, dense: [] }).ok).toBe(false);
    expect(validateAdapter(spec, { ...state, modules: state.modules.slice(1) }).ok).toBe(false);
    const short = cloneAdapter(state);
    const shortResult = validateAdapter(spec, {
      ...short,
      modules: [{ a: new Float32Array(5), b: short.modules[0]?.b ?? new Float32Array(0) }, ...short.modules.slice(1)],
    });
    expect(shortResult.ok ? "" : shortResult.error.code).toBe("shape-mismatch");
    const inf = cloneAdapter(state);
    inf.modules[1]?.b.fill(Number.POSITIVE_INFINITY, 2, 3);
    const infResult = validateAdapter(spec, inf);
    expect(infResult.ok ? "" : infResult.error.code).toBe("non-finite");
  });

  it("clones deeply: equal values, no shared arrays", () => {
    const state = randomState(spec, createRng(5));
    const copy = cloneAdapter(state);
    expect(copy).toEqual(state);
    copy.modules[0]?.a.fill(0);
    copy.dense[0]?.fill(0);
    expect(copy).not.toEqual(state);
  });
});
