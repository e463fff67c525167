import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "../lora/adapter-spec";
import { cloneAdapter } from "../lora/clone-adapter";
import { randomState } from "../lora/test-fixtures";
import { createRng } from "../random/rng";
import { buildBOnlyUpdate, buildDenseUpdate } from "./build-dense-update";
import { productChangeEnergy } from "./product-change-energy";

const spec: AdapterSpec = {
  modules: [{ name: "q", d: 4, k: 3, rank: 2 }],
  dense: [{ name: "head.weight", shape: [2, 2] }],
  alpha: 2,
};

describe("dense and b-only builders", () => {
  const rng = createRng(8);
  const global = randomState(spec, rng);
  const local = randomState(spec, rng);

  it("dense sends copies of all of A', B' and the dense tensors and loses nothing", () => {
    const result = buildDenseUpdate(spec, global, local, 4);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.value).toEqual({ update: { kind: "dense", round: 4, ...local }, keptRatio: 1, energyLost: 0 });
    result.value.update.modules[0]?.a.fill(0);
    expect(local.modules[0]?.a.some((x) => x !== 0)).toBe(true);
  });

  it("b-only sends B' and loses nothing while A stays frozen", () => {
    const frozen = { ...local, modules: local.modules.map((m, i) => ({ a: global.modules[i]?.a ?? m.a, b: m.b })) };
    const result = buildBOnlyUpdate(spec, global, frozen, 4);
    if (!result.ok) throw new Error(result.error.reason);
    expect(result.value.update).toEqual({
      kind: "b-only",
      round: 4,
      modules: [{ b: local.modules[0]?.b }],
      dense: local.dense,
    });
    expect(result.value.energyLost).toBe(0);
  });

  it("b-only reports the exact share lost when the trainer moved A after all", () => {
    const result = buildBOnlyUpdate(spec, global, local, 4);
    if (!result.ok) throw new Error(result.error.reason);
    const g = global.modules[0] ?? { a: new Float32Array(0), b: new Float32Array(0) };
    const l = local.modules[0] ?? g;
    const expected = productChangeEnergy({ a: g.a, b: l.b }, l, 4, 3, 2) / productChangeEnergy(g, l, 4, 3, 2);
    expect(result.value.energyLost).toBeCloseTo(expected, 12);
    expect(result.value.energyLost).toBeGreaterThan(0);
  });

  it("both reject a local state with NaN", () => {
    const nan = cloneAdapter(local);
    nan.modules[0]?.b.fill(Number.NaN);
    expect(buildDenseUpdate(spec, global, nan, 1).ok).toBe(false);
    expect(buildBOnlyUpdate(spec, global, nan, 1).ok).toBe(false);
  });
});
