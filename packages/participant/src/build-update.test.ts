import { describe, expect, it } from "vitest";
import {
  cloneAdapter,
  createRng,
  initAdapter,
  rankImportance,
  type AdapterSpec,
  type AdapterState,
} from "@airlora/core";
import { decodeUpdate, maxEncodedSize, softComponentBytes, softOverheadBytes } from "@airlora/protocol";
import { buildRoundUpdate } from "./build-update";

const spec: AdapterSpec = {
  modules: [
    { name: "h.0.attn.q", d: 16, k: 16, rank: 4 },
    { name: "wte", d: 16, k: 64, rank: 4 },
  ],
  dense: [
    { name: "head.weight", shape: [8, 2] },
    { name: "head.bias", shape: [2] },
  ],
  alpha: 8,
};

function trained(global: AdapterState, seed: number): AdapterState {
  const rng = createRng(seed);
  const local = cloneAdapter(global);
  for (const m of local.modules) for (let i = 0; i < m.b.length; i += 1) m.b[i] = 0.1 * rng.normal();
  return local;
}

describe("building a round's update", () => {
  const global = initAdapter(spec, 1);
  const local = trained(global, 2);

  it.each(["soft", "topk", "dense", "b-only"] as const)(
    "builds a %s update that decodes for its round and fits the budget",
    (kind) => {
      const byteBudget = maxEncodedSize(spec, "fp16", kind === "topk" ? "soft" : kind);
      const built = buildRoundUpdate(spec, global, local, { round: 5, kind, byteBudget, precision: "fp16" });
      expect(built.ok).toBe(true);
      if (!built.ok) return;
      expect(built.value.payload.length).toBeLessThanOrEqual(byteBudget);
      const decoded = decodeUpdate(spec, built.value.payload, { round: 5, kind });
      expect(decoded.ok).toBe(true);
    },
  );

  it("keeps only what a tight soft budget buys, and says how much energy that loses", () => {
    const wte = spec.modules[1];
    if (wte === undefined) throw new Error("no wte module");
    const oneComponent = softOverheadBytes(spec, "fp16") + softComponentBytes(wte, "fp16");
    const built = buildRoundUpdate(spec, global, local, {
      round: 1,
      kind: "soft",
      byteBudget: oneComponent,
      precision: "fp16",
    });
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.payload.length).toBeLessThanOrEqual(oneComponent);
    expect(built.value.keptRatio).toBeGreaterThan(0);
    expect(built.value.keptRatio).toBeLessThan(1);
    expect(built.value.energyLost).toBeGreaterThan(0);
    expect(built.value.energyLost).toBeLessThan(1);
  });

  it.each(["soft", "topk"] as const)(
    "carries what a tight %s budget left out into the next build (error feedback), and nothing without it",
    (kind) => {
      const wte = spec.modules[1];
      if (wte === undefined) throw new Error("no wte module");
      const byteBudget = softOverheadBytes(spec, "fp16") + softComponentBytes(wte, "fp16");
      const first = buildRoundUpdate(spec, global, local, { round: 1, kind, byteBudget, precision: "fp16" });
      if (!first.ok) throw new Error(first.error.reason);
      const { residual } = first.value;
      if (residual === undefined) throw new Error(`a ${kind} build returned no residual`);
      expect(residual.modules.some((m) => m.a.some((x) => x !== 0) || m.b.some((x) => x !== 0))).toBe(true);
      // A round that trained nothing new: only the carry has anything to send.
      const unchanged = cloneAdapter(global);
      const withCarry = buildRoundUpdate(
        spec,
        global,
        unchanged,
        { round: 2, kind, byteBudget, precision: "fp16" },
        residual,
      );
      const without = buildRoundUpdate(spec, global, unchanged, { round: 2, kind, byteBudget, precision: "fp16" });
      if (!withCarry.ok || !without.ok) throw new Error("a build failed");
      expect(withCarry.value.keptRatio).toBeGreaterThan(0);
      expect(without.value.keptRatio).toBe(0);
    },
  );

  it("returns no residual for the kinds that send everything", () => {
    for (const kind of ["dense", "b-only"] as const) {
      const byteBudget = maxEncodedSize(spec, "fp16", kind);
      const built = buildRoundUpdate(spec, global, local, { round: 1, kind, byteBudget, precision: "fp16" });
      expect(built.ok && built.value.residual).toBeUndefined();
    }
  });

  it("reports the importance of every (module, rank) component, module-major, as rankImportance computes it", () => {
    const built = buildRoundUpdate(spec, global, local, {
      round: 1,
      kind: "soft",
      byteBudget: maxEncodedSize(spec, "fp16", "soft"),
      precision: "fp16",
    });
    if (!built.ok) throw new Error(built.error.reason);
    const expected = spec.modules.flatMap((m, i) => {
      const before = global.modules[i];
      const after = local.modules[i];
      return before === undefined || after === undefined
        ? []
        : Array.from(rankImportance(before, after, m.d, m.k, m.rank));
    });
    expect(built.value.spectrum).toEqual(expected);
  });

  it("refuses a dense update that does not fit its budget instead of sending it", () => {
    const built = buildRoundUpdate(spec, global, local, {
      round: 1,
      kind: "dense",
      byteBudget: 100,
      precision: "fp16",
    });
    expect(!built.ok && built.error.code).toBe("over-budget");
  });
});
