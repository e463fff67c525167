import { describe, expect, it } from "vitest";
import { createRng } from "../random/rng";
import { initAdapter } from "../lora/init-adapter";
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterUpdate } from "../update/adapter-update";
import { separationGap } from "./separation-gap";
import { updateSeparationGap } from "./update-separation-gap";

const spec: AdapterSpec = { modules: [{ name: "q", d: 6, k: 5, rank: 3 }], dense: [], alpha: 6 };

function denseUpdate(seed: number): Extract<AdapterUpdate, { kind: "dense" }> {
  const rng = createRng(seed);
  const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.normal());
  return { kind: "dense", round: 1, modules: [{ a: random(15), b: random(18) }], dense: [] };
}

describe("separation gap of a round's updates", () => {
  const global = initAdapter(spec, 1);

  it("is 0 when every client sent the same update", () => {
    const update = denseUpdate(2);
    const gap = updateSeparationGap(spec, global, [
      { update, weight: 1 },
      { update, weight: 3 },
    ]);
    expect(gap.ok && gap.value.overall).toBeCloseTo(0, 12);
  });

  it("equals the gap of the adapters the updates make, weighted by data", () => {
    const [u1, u2] = [denseUpdate(3), denseUpdate(4)];
    const gap = updateSeparationGap(spec, global, [
      { update: u1, weight: 1 },
      { update: u2, weight: 2 },
    ]);
    const states = [u1, u2].map((u) => ({ modules: u.modules.map((m) => ({ a: m.a, b: m.b })), dense: [] }));
    const direct = separationGap(spec, [
      { state: states[0] ?? global, weight: 1 },
      { state: states[1] ?? global, weight: 2 },
    ]);
    expect(gap.ok && direct.ok).toBe(true);
    if (gap.ok && direct.ok) {
      expect(gap.value.overall).toBeGreaterThan(0);
      expect(gap.value.overall).toBeCloseTo(direct.value.overall, 6);
    }
  });

  it("refuses an update that does not fit the spec, naming it", () => {
    const bad = { ...denseUpdate(5), modules: [{ a: new Float32Array(2), b: new Float32Array(2) }] };
    const gap = updateSeparationGap(spec, global, [
      { update: denseUpdate(6), weight: 1 },
      { update: bad, weight: 1 },
    ]);
    expect(!gap.ok && gap.error.reason).toMatch(/^update 1:/u);
  });
});
