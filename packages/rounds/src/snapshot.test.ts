// A run saved after a round and restored from JSON carries on exactly as the run that never stopped.
import { describe, expect, it } from "vitest";
import { MachineSnapshot, type RoundEvaluation } from "@airlora/protocol";
import type { Effect } from "./effects";
import { restoreRun } from "./snapshot";
import { createRun, type RunState } from "./state";
import { drive, effectsOf, ids, ready, submit, testConfig } from "./test-run";

const [A, B, C] = ids;
const evaluation = (accuracy: number): RoundEvaluation => ({ loss: 1 - accuracy, accuracy, examples: 100 });

/** Every member of the active round submits, then the round's evaluation comes back. */
function completeRound(state: RunState, now: number): { state: RunState; effects: Effect[] } {
  const round = state.active?.round ?? -1;
  let current = state;
  const effects: Effect[] = [];
  for (const [n, id] of [...(current.active?.members.keys() ?? [])].entries()) {
    const result = drive(current, [submit(current, id, now + n, n + 1)]);
    current = result.state;
    effects.push(...result.effects);
  }
  const done = drive(current, [{ type: "evaluated", round, evaluation: evaluation(0.5 + round / 10), now: now + 9 }]);
  return { state: done.state, effects: [...effects, ...done.effects] };
}

/** Through JSON and the schema, as the run directory stores it. */
function throughFile(snapshot: unknown): MachineSnapshot {
  return MachineSnapshot.parse(JSON.parse(JSON.stringify(snapshot)));
}

describe("run snapshots", () => {
  const config = testConfig({ rounds: 4, startClients: 3, overrideRank: 4, latencyBudgetMs: 500 });

  function runTo(round: number): { state: RunState; checkpoints: Extract<Effect, { type: "checkpoint" }>[] } {
    let { state } = drive(createRun(config, undefined), [ready(A, 0), ready(B, 1), ready(C, 2)]);
    const checkpoints: Extract<Effect, { type: "checkpoint" }>[] = [];
    for (let r = 0; r <= round; r += 1) {
      const result = completeRound(state, 1000 * (r + 1));
      state = result.state;
      checkpoints.push(...effectsOf(result.effects, "checkpoint"));
    }
    return { state, checkpoints };
  }

  it("a restored run starts the next round with the same plan, global adapter and queue as the one that went on", () => {
    const { state: original, checkpoints } = runTo(2);
    const saved = checkpoints.at(-1);
    if (saved === undefined) throw new Error("no checkpoint");
    expect(saved.round).toBe(2);
    const restored = restoreRun(config, undefined, {
      snapshot: throughFile(saved.snapshot),
      global: saved.adapter,
      lastEval: evaluation(0.7),
    });
    if (!restored.ok) throw new Error(restored.error.reason);
    expect(restored.value.stage).toBe("waiting");
    expect(restored.value.nextRound).toBe(3);
    expect([...restored.value.participants.values()].every((p) => !p.connected)).toBe(true);

    // Both go on: the same participants become ready at the same time.
    const later = [ready(A, 9000), ready(B, 9001), ready(C, 9002)];
    expect(original.active?.round).toBe(3); // the original started round 3 as round 2 closed
    const resumed = drive(restored.value, later);
    const [start] = effectsOf(resumed.effects, "start-round");
    expect(start?.round).toBe(3);
    expect(start?.global).toEqual(original.active?.global);
    expect(original.virtualQueue).toBeGreaterThan(0);
    expect(resumed.state.virtualQueue).toBe(original.virtualQueue);
    expect(resumed.state.totals).toEqual(original.totals);
    const plans = (s: RunState) =>
      [...(s.active?.members.values() ?? [])].map((m) => ({ id: m.clientId, budget: m.plan.byteBudget }));
    expect(plans(resumed.state).map((p) => p.id)).toEqual(plans(original).map((p) => p.id));
    // Estimates survived: every member's uplink estimate is the saved one folded with the new probe.
    for (const p of saved.snapshot.participants) {
      expect(resumed.state.participants.get(p.clientId)?.msPerStep).toBe(p.msPerStep ?? undefined);
    }
  });

  it("the first round after a resume waits for startClients again, not just minClients", () => {
    const { checkpoints } = runTo(1);
    const saved = checkpoints.at(-1);
    if (saved === undefined) throw new Error("no checkpoint");
    const restored = restoreRun(config, undefined, {
      snapshot: throughFile(saved.snapshot),
      global: saved.adapter,
      lastEval: null,
    });
    if (!restored.ok) throw new Error(restored.error.reason);
    const two = drive(restored.value, [ready(A, 1), ready(B, 2)]);
    expect(two.state.active).toBeUndefined();
    const three = drive(two.state, [ready(C, 3)]);
    expect(three.state.active?.round).toBe(2);
  });

  it("refuses a snapshot whose rank the run cannot train, and an adapter of the wrong shape", () => {
    const { checkpoints } = runTo(1);
    const saved = checkpoints.at(-1);
    if (saved === undefined) throw new Error("no checkpoint");
    const wrongRank = restoreRun(config, undefined, {
      snapshot: { ...saved.snapshot, rank: 3 },
      global: saved.adapter,
      lastEval: null,
    });
    expect(wrongRank.ok ? "" : wrongRank.error.reason).toMatch(/rank 3/u);
    const shortAdapter = restoreRun(config, undefined, {
      snapshot: saved.snapshot,
      global: { ...saved.adapter, dense: [] },
      lastEval: null,
    });
    expect(shortAdapter.ok).toBe(false);
  });

  it("a snapshot taken after the last round restores as done", () => {
    const { checkpoints } = runTo(4);
    const saved = checkpoints.at(-1);
    if (saved === undefined) throw new Error("no checkpoint");
    const restored = restoreRun(config, undefined, { snapshot: saved.snapshot, global: saved.adapter, lastEval: null });
    expect(restored.ok && restored.value.stage).toBe("done");
  });
});
