// Table tests of the admin controls: start now, pause / resume, stop, and what each refuses.
import { describe, expect, it } from "vitest";
import type { ControlAction, RoundEvaluation } from "@airlora/protocol";
import { acceptedControls, controlRefusal } from "./control";
import type { RunEvent } from "./events";
import { createRun, type RunState } from "./state";
import { drive, effectsOf, ids, ready, submit, testConfig } from "./test-run";

const [A, B, C] = ids;
const accuracy = (value: number): RoundEvaluation => ({ loss: 1 - value, accuracy: value, examples: 100 });
const control = (action: ControlAction, now: number): RunEvent => ({ type: "control", action, now });

/** A and B ready with minClients 2; the first round waits for startClients 3. */
function waitingForThree(): RunState {
  return drive(createRun(testConfig({ minClients: 2, startClients: 3 }), undefined), [ready(A, 0), ready(B, 1)]).state;
}

/** Round 0 (probe) done and evaluated; round 1 (LoRA) in flight with A and B. */
function inLoraRound(): RunState {
  let { state } = drive(createRun(testConfig(), undefined), [ready(A, 0), ready(B, 1)]);
  state = drive(state, [submit(state, A, 100, 1), submit(state, B, 101, 2)]).state;
  return drive(state, [{ type: "evaluated", round: 0, evaluation: accuracy(0.7), now: 102 }]).state;
}

describe("admin controls", () => {
  it("start now begins the first round with the ready participants below startClients", () => {
    const state = waitingForThree();
    expect(state.active).toBeUndefined();
    expect(acceptedControls(state)).toEqual(["start", "pause", "stop"]);
    const started = drive(state, [control("start", 5)]);
    const [start] = effectsOf(started.effects, "start-round");
    expect(start?.round).toBe(0);
    expect(start?.assignments.map((a) => a.clientId)).toEqual([A, B]);
    expect(started.state.stage).toBe("running");
    expect(controlRefusal(started.state, "start")?.code).toBe("already-started");
  });

  it("start now refuses below minClients and changes nothing", () => {
    const one = drive(createRun(testConfig({ minClients: 2, startClients: 3 }), undefined), [ready(A, 0)]).state;
    expect(controlRefusal(one, "start")).toEqual({
      code: "below-quorum",
      reason: "1 of the 2 ready participants a round needs",
    });
    const after = drive(one, [control("start", 5)]);
    expect(after.effects).toEqual([]);
    expect(after.state).toBe(one);
  });

  it("pause lets the round in flight finish and starts no new one; resume starts the next round", () => {
    const state = inLoraRound();
    expect(state.active?.round).toBe(1);
    const paused = drive(state, [control("pause", 150)]);
    expect(paused.effects).toEqual([]);
    expect(paused.state.paused).toBe(true);
    expect(acceptedControls(paused.state)).toEqual(["resume", "stop"]);
    const closed = drive(paused.state, [submit(state, A, 200, 1), submit(state, B, 201, 2)]);
    expect(effectsOf(closed.effects, "round-closed")).toMatchObject([{ round: 1, aggregated: true }]);
    expect(effectsOf(closed.effects, "start-round")).toEqual([]);
    expect(closed.state.active).toBeUndefined();
    // A participant coming back while paused does not start a round either.
    const rejoined = drive(closed.state, [ready(C, 250)]);
    expect(effectsOf(rejoined.effects, "start-round")).toEqual([]);
    const resumed = drive(rejoined.state, [control("resume", 300)]);
    expect(effectsOf(resumed.effects, "start-round").map((e) => e.round)).toEqual([2]);
    expect(resumed.state.paused).toBe(false);
    expect(controlRefusal(resumed.state, "resume")?.code).toBe("not-paused");
  });

  it("stop closes the round in flight as if its deadline came, logs it and finishes the run", () => {
    const state = inLoraRound();
    const partial = drive(state, [submit(state, A, 200, 1)]).state;
    const stopped = drive(partial, [control("stop", 300)]);
    expect(effectsOf(stopped.effects, "outcome")).toContainEqual({
      type: "outcome",
      clientId: B,
      round: 1,
      outcome: "late",
      reason: "still assigned at the deadline",
    });
    expect(effectsOf(stopped.effects, "round-closed")).toMatchObject([{ round: 1, aggregated: false, now: 300 }]);
    expect(effectsOf(stopped.effects, "start-round")).toEqual([]);
    // Under quorum, the round reuses the last evaluation: its line is out at once, and the run is done.
    const [line] = effectsOf(stopped.effects, "log-round");
    expect(line?.line).toMatchObject({
      round: 1,
      roundLatencyMs: 300 - (state.active?.startedAt ?? 0),
      eval: accuracy(0.7),
    });
    const [finished] = effectsOf(stopped.effects, "finished");
    expect(finished?.summary).toMatchObject({ rounds: 1, finalEval: accuracy(0.7) });
    expect(stopped.state.stage).toBe("done");
    expect(stopped.state.stoppedAt).toBe(300);
    expect(acceptedControls(stopped.state)).toEqual([]);
  });

  it("stop with an aggregated round still out waits for its evaluation, then finishes", () => {
    const state = inLoraRound();
    const stopped = drive(state, [submit(state, A, 200, 1), submit(state, B, 201, 2), control("stop", 210)]);
    // Round 1 closed on its own (both submitted) and round 2 started; stop closed round 2 with both still assigned.
    expect(effectsOf(stopped.effects, "round-closed").map((e) => e.round)).toEqual([1, 2]);
    expect(effectsOf(stopped.effects, "finished")).toEqual([]);
    expect(stopped.state.stage).toBe("finishing");
    expect(acceptedControls(stopped.state)).toEqual([]);
    const done = drive(stopped.state, [{ type: "evaluated", round: 1, evaluation: accuracy(0.8), now: 220 }]);
    expect(effectsOf(done.effects, "log-round").map((e) => e.line.round)).toEqual([1, 2]);
    expect(effectsOf(done.effects, "finished")).toHaveLength(1);
    expect(done.state.stage).toBe("done");
    // Nothing starts after a stop, whoever becomes ready.
    expect(effectsOf(drive(done.state, [ready(C, 230)]).effects, "start-round")).toEqual([]);
  });

  it("stop before any round finishes an empty run", () => {
    const state = waitingForThree();
    const stopped = drive(state, [control("stop", 10)]);
    expect(effectsOf(stopped.effects, "finished")).toMatchObject([{ summary: { rounds: 0, finalEval: null } }]);
    expect(stopped.state.stage).toBe("done");
  });

  it.each([
    ["pause twice", ["pause", "pause"], "paused"],
    ["resume without pause", ["resume"], "not-paused"],
    ["start while paused", ["pause", "start"], "paused"],
    ["anything after stop", ["stop", "resume"], "run-over"],
  ] as const)("refuses %s", (_name, actions, code) => {
    let state = waitingForThree();
    const last = actions.at(-1) ?? "start";
    for (const action of actions.slice(0, -1)) state = drive(state, [control(action, 1)]).state;
    expect(controlRefusal(state, last)?.code).toBe(code);
    const after = drive(state, [control(last, 2)]);
    expect(after.state).toBe(state);
    expect(after.effects).toEqual([]);
  });
});
