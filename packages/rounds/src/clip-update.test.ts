// --clip-norm: an update longer than the bound lands exactly on it, pointing the same way; a shorter one is untouched.
import { describe, expect, it } from "vitest";
import {
  buildBOnlyUpdate,
  buildDenseUpdate,
  buildSoftUpdate,
  buildTopkUpdate,
  initAdapter,
  type AdapterUpdate,
} from "@airlora/core";
import { clipUpdate, updateNorm } from "./clip-update";
import { createRun } from "./state";
import { drive, effectsOf, ids, ready, smallSpec, submit, testConfig, trained } from "./test-run";

const spec = smallSpec(4);
const global = trained(initAdapter(spec, 3), 9); // B != 0, so every kind has a real "before"
const local = trained(global, 11);

function built(kind: AdapterUpdate["kind"]): AdapterUpdate {
  const result =
    kind === "soft"
      ? buildSoftUpdate(spec, global, local, 1, 10_000, "fp32")
      : kind === "topk"
        ? buildTopkUpdate(spec, global, local, 1, 600, "fp32")
        : kind === "dense"
          ? buildDenseUpdate(spec, global, local, 1)
          : buildBOnlyUpdate(spec, global, local, 1);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value.update;
}

describe("clip-norm", () => {
  for (const kind of ["dense", "soft", "b-only", "topk"] as const) {
    it(`${kind}: a long update is scaled onto the bound along its own direction`, () => {
      const update = built(kind);
      const norm = updateNorm(spec, global, update);
      expect(norm).toBeGreaterThan(0.1);
      const clipped = clipUpdate(spec, global, update, norm / 4);
      expect(clipped.scale).toBeCloseTo(0.25, 6);
      expect(updateNorm(spec, global, clipped.update)).toBeCloseTo(norm / 4, 4);
      // Twice the clipped change is half the original change: same direction.
      const half = clipUpdate(spec, global, update, norm / 2).update;
      expect(updateNorm(spec, global, half)).toBeCloseTo(2 * updateNorm(spec, global, clipped.update), 4);
    });

    it(`${kind}: an update within the bound is left as it is`, () => {
      const update = built(kind);
      const clipped = clipUpdate(spec, global, update, 1e9);
      expect(clipped.scale).toBe(1);
      expect(clipped.update).toBe(update);
    });
  }

  it("measures a soft update against the rows and columns it replaces", () => {
    const update = built("soft");
    if (update.kind !== "soft") throw new Error("soft");
    // The same update sent against its own values changes nothing.
    const selfGlobal = {
      modules: global.modules.map((g, n) => {
        const m = update.modules[n];
        const { k, d, rank } = spec.modules[n] ?? { k: 0, d: 0, rank: 0 };
        const a = g.a.slice();
        const b = g.b.slice();
        m?.ranks.forEach((r, j) => {
          for (let c = 0; c < k; c += 1) a[r * k + c] = m.a[j * k + c] ?? 0;
          for (let row = 0; row < d; row += 1) b[row * rank + r] = m.b[j * d + row] ?? 0;
        });
        return { a, b };
      }),
      dense: update.dense.map((t) => t.slice()),
    };
    expect(updateNorm(spec, selfGlobal, update)).toBe(0);
  });
});

describe("clip-norm in a run", () => {
  it("logs each member's norm and scale, and the global adapter moves no further than the bound", () => {
    const config = testConfig({ clipNorm: 0.05, rounds: 1 });
    let { state } = drive(createRun(config, undefined), [ready(ids[0], 0), ready(ids[1], 1)]);
    // Round 0 (probe, not clipped), then round 1.
    for (const round of [0, 1]) {
      const before = state.active?.global;
      const members = [...(state.active?.members.keys() ?? [])];
      const effects = [];
      for (const [n, id] of members.entries()) {
        const result = drive(state, [submit(state, id, 100 * (round + 1) + n, n + 1)]);
        state = result.state;
        effects.push(...result.effects);
      }
      const done = drive(state, [
        { type: "evaluated", round, evaluation: { loss: 1, accuracy: 0.5, examples: 1 }, now: 999 },
      ]);
      state = done.state;
      const [line] = effectsOf([...effects, ...done.effects], "log-round").map((e) => e.line);
      const [saved] = effectsOf(effects, "checkpoint");
      if (round === 0) {
        expect(line?.clients.every((c) => c.clipScale === undefined)).toBe(true);
        continue;
      }
      expect(line?.clients.map((c) => c.clipScale ?? 1).every((s) => s < 1)).toBe(true);
      expect(line?.clients.every((c) => (c.updateNorm ?? 0) > 0.05)).toBe(true);
      if (before === undefined || saved === undefined) throw new Error("no round");
      const moved = updateNorm(spec, before, {
        kind: "dense",
        round: 1,
        modules: saved.adapter.modules,
        dense: saved.adapter.dense,
      });
      expect(moved).toBeLessThanOrEqual(0.05 + 1e-6);
    }
  });
});
