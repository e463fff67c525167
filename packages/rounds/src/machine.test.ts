// Table tests of event sequences through the round machine: no sockets, no tfjs, real encoded updates.
import { describe, expect, it } from "vitest";
import { RoundLogLine, type RoundEvaluation } from "@airlora/protocol";
import { createRun, type RunState } from "./state";
import { budgetOf, drive, effectsOf, ids, ready, report, submit, testConfig } from "./test-run";
import type { RunConfig } from "./config";
import type { Effect } from "./effects";

const [A, B, C] = ids;
const accuracy = (value: number): RoundEvaluation => ({ loss: 1 - value, accuracy: value, examples: 100 });

function started(config: RunConfig = testConfig()): { state: RunState; effects: Effect[] } {
  return drive(createRun(config, undefined), [ready(A, 0), ready(B, 1)]);
}

/** Everyone in the active round submits; then the round's evaluation comes back. */
function completeRound(state: RunState, now: number, value: number): { state: RunState; effects: Effect[] } {
  const round = state.active?.round ?? -1;
  const members = [...(state.active?.members.keys() ?? [])];
  let current = state;
  const effects: Effect[] = [];
  for (const [n, id] of members.entries()) {
    const result = drive(current, [submit(current, id, now, n + 1)]);
    current = result.state;
    effects.push(...result.effects);
  }
  const evaluated = drive(current, [{ type: "evaluated", round, evaluation: accuracy(value), now: now + 1 }]);
  return { state: evaluated.state, effects: [...effects, ...evaluated.effects] };
}

describe("round machine", () => {
  it("waits for the quorum, then chooses the rank and starts the probe round with every ready participant", () => {
    const one = drive(createRun(testConfig(), undefined), [ready(A, 0)]);
    expect(one.state.stage).toBe("waiting");
    expect(one.effects).toEqual([]);
    const two = drive(one.state, [ready(B, 5)]);
    const [runStarted] = effectsOf(two.effects, "run-started");
    expect(runStarted?.rank).toBe(4);
    const [start] = effectsOf(two.effects, "start-round");
    expect(start).toMatchObject({ round: 0, phase: "probe" });
    expect(start?.assignments.map((a) => a.clientId)).toEqual([A, B]);
    expect(start?.assignments[0]?.assignment).toMatchObject({ phase: "probe", localSteps: 0, kind: "soft" });
    expect(effectsOf(two.effects, "set-timer")).toEqual([{ type: "set-timer", round: 0, atMs: 5 + 60_000 }]);
    expect(two.state.stage).toBe("running");
  });

  it("aggregates the probe round's heads, then runs LoRA rounds and logs every round in order until done", () => {
    let { state } = started();
    const lines: RoundLogLine[] = [];
    const finished: Effect[] = [];
    for (let round = 0; round <= 2; round += 1) {
      expect(state.active?.round).toBe(round);
      expect(state.active?.phase).toBe(round === 0 ? "probe" : "lora");
      const result = completeRound(state, 100 * (round + 1), [0.7, 0.8, 0.9][round] ?? 0);
      state = result.state;
      lines.push(...effectsOf(result.effects, "log-round").map((e) => e.line));
      finished.push(...effectsOf(result.effects, "finished"));
    }
    expect(lines.map((l) => l.round)).toEqual([0, 1, 2]);
    for (const line of lines) {
      expect(RoundLogLine.safeParse(line).success).toBe(true);
      expect(line.aggregated).toBe(true);
      expect(line.clients.map((c) => c.status)).toEqual(["submitted", "submitted"]);
    }
    expect(lines[2]?.eval).toEqual(accuracy(0.9));
    expect(state.stage).toBe("done");
    expect(state.active).toBeUndefined();
    expect(finished).toHaveLength(1);
  });

  it("asks the evaluator for the separation gap of a LoRA round's updates and logs the gap it answers", () => {
    let { state } = started();
    state = completeRound(state, 100, 0.7).state;
    const closed = drive(state, [submit(state, A, 200, 1), submit(state, B, 210, 2)]);
    const [evaluate] = effectsOf(closed.effects, "evaluate");
    expect(evaluate?.diagnose?.contributions).toHaveLength(2);
    const logged = drive(closed.state, [
      { type: "evaluated", round: 1, evaluation: accuracy(0.8), separationGap: 0.25, now: 300 },
    ]);
    expect(effectsOf(logged.effects, "log-round")[0]?.line.separationGap).toBe(0.25);
  });

  it("changes the head in the probe round and leaves the LoRA factors as they were", () => {
    const { state } = started();
    const before = state.global;
    const after = completeRound(state, 100, 0.7).state.global;
    expect(after?.modules).toEqual(before?.modules);
    expect(after?.dense[0]).not.toEqual(before?.dense[0]);
  });

  it("drops a member that leaves mid-round and closes the round with the others", () => {
    let { state } = drive(started().state, [ready(C, 2)]);
    state = completeRound(state, 100, 0.7).state; // probe round: A and B
    expect([...(state.active?.members.keys() ?? [])]).toEqual([A, B, C]);
    const result = drive(state, [
      submit(state, A, 200, 1),
      { type: "participant-left", clientId: C, now: 210 },
      submit(state, B, 220, 2),
    ]);
    const [closed] = effectsOf(result.effects, "round-closed");
    expect(closed).toMatchObject({ round: 1, aggregated: true });
    const done = drive(result.state, [{ type: "evaluated", round: 1, evaluation: accuracy(0.8), now: 230 }]);
    const [line] = effectsOf(done.effects, "log-round");
    expect(line?.line.clients.find((c) => c.id === C)).toMatchObject({
      status: "dropped",
      reason: "left while assigned",
    });
  });

  it("logs a member whose page was hidden during the round, and only that round, as hidden", () => {
    let { state } = drive(createRun(testConfig(), undefined), [ready(A, 0), { ...ready(B, 1), hidden: true }]);
    // Round 0 starts with B already in the background; A goes into the background while it works.
    // Both come back before round 0 closes (round 1 starts as it closes); being visible again does not unmark them.
    state = drive(state, [
      { type: "visibility", clientId: A, hidden: true, now: 50 },
      { type: "visibility", clientId: A, hidden: false, now: 60 },
      { type: "visibility", clientId: B, hidden: false, now: 60 },
    ]).state;
    let result = completeRound(state, 100, 0.7);
    const [probeLine] = effectsOf(result.effects, "log-round");
    expect(probeLine?.line.clients.map((c) => [c.id, c.hidden])).toEqual([
      [A, true],
      [B, true],
    ]);
    // In round 1, B hides only after it submitted, which does not count.
    state = result.state;
    state = drive(state, [submit(state, B, 200, 1), { type: "visibility", clientId: B, hidden: true, now: 210 }]).state;
    result = completeRound(state, 300, 0.8);
    const [loraLine] = effectsOf(result.effects, "log-round");
    expect(loraLine?.line.round).toBe(1);
    expect(loraLine?.line.clients.map((c) => [c.id, c.hidden])).toEqual([
      [A, undefined],
      [B, undefined],
    ]);
    expect(RoundLogLine.safeParse({ ...probeLine?.line, eval: null }).success).toBe(true);
  });

  it("marks a member still training at the deadline late, aggregates the rest, and tells it", () => {
    let { state } = drive(started().state, [ready(C, 2)]);
    state = completeRound(state, 100, 0.7).state;
    const result = drive(state, [
      { type: "progress", clientId: C, now: 150, progress: { round: 1, stage: "training", done: 3, total: 10 } },
      submit(state, A, 200, 1),
      submit(state, B, 210, 2),
    ]);
    expect(effectsOf(result.effects, "round-closed")).toEqual([]);
    const deadline = drive(result.state, [{ type: "deadline", round: 1, now: 20_000 }]);
    expect(effectsOf(deadline.effects, "outcome")).toContainEqual({
      type: "outcome",
      clientId: C,
      round: 1,
      outcome: "late",
      reason: "still training at the deadline",
    });
    expect(effectsOf(deadline.effects, "round-closed")[0]).toMatchObject({ round: 1, aggregated: true });
    expect(deadline.state.active?.round).toBe(2);
  });

  it("learns a lower bound on a late member's step time from its progress, and plans the next round around it", () => {
    let { state } = drive(started().state, [ready(C, 2)]);
    state = completeRound(state, 100, 0.7).state;
    const result = drive(state, [
      { type: "progress", clientId: C, now: 150, progress: { round: 1, stage: "training", done: 0, total: 10 } },
      { type: "progress", clientId: C, now: 9_000, progress: { round: 1, stage: "training", done: 1, total: 10 } },
      submit(state, A, 200, 1),
      submit(state, B, 210, 2),
    ]);
    const deadlineAt = result.state.active?.deadlineAt ?? 0;
    const closed = drive(result.state, [{ type: "deadline", round: 1, now: deadlineAt }]);
    // One step done in (deadline - 150) ms: a step takes at least half of that.
    expect(closed.state.participants.get(C)?.msPerStep).toBeCloseTo((deadlineAt - 150) / 2, 6);
    const next = closed.state.active;
    expect(next?.round).toBe(2);
    // Planned with that pace, C cannot finish within the latency budget: TSFA leaves it out, the others go on.
    expect(next?.members.get(C)?.plan.excluded).toBe(true);
    expect(next?.members.get(A)?.plan.excluded).toBe(false);
    expect(next?.expectedLatencyMs).toBeLessThan(deadlineAt - 150);
  });

  it("learns nothing from a late member that never started training (it may have been busy elsewhere)", () => {
    let { state } = drive(started().state, [ready(C, 2)]);
    state = completeRound(state, 100, 0.7).state;
    const result = drive(state, [submit(state, A, 200, 1), submit(state, B, 210, 2)]);
    const closed = drive(result.state, [{ type: "deadline", round: 1, now: result.state.active?.deadlineAt ?? 0 }]);
    expect(closed.state.participants.get(C)?.msPerStep).toBeUndefined();
  });

  it("rejects corrupt, over-budget, wrong-round and replayed payloads with reasons, and the round completes", () => {
    let { state } = drive(createRun(testConfig({ minClients: 1, startClients: 3 }), undefined), [
      ready(A, 0),
      ready(B, 0),
      ready(C, 0),
    ]);
    state = completeRound(state, 100, 0.7).state;
    const good = submit(state, A, 200, 1);
    if (good.type !== "submission") throw new Error("unexpected");
    const corrupt = { ...good, clientId: B, payload: good.payload.map((x, i) => (i === 9 ? x ^ 0xff : x)) };
    const wrongRound = { ...submit(state, C, 210, 3), report: report(0, []) };
    const result = drive(state, [good, { ...good, now: 205 }, corrupt, wrongRound]);
    const outcomes = effectsOf(result.effects, "outcome");
    expect(outcomes.map((o) => [o.clientId, o.outcome])).toEqual([
      [A, "submitted"],
      [A, "rejected"],
      [B, "rejected"],
      [C, "rejected"],
    ]);
    expect(outcomes[1]?.reason).toMatch(/already submitted/u);
    expect(outcomes[2]?.reason).toMatch(/^wrong-round/u);
    expect(outcomes[3]?.reason).toMatch(/^wrong-round/u);
    expect(effectsOf(result.effects, "round-closed")[0]).toMatchObject({ round: 1, aggregated: true });

    // Over budget: a well-formed update with bytes appended until it no longer fits (checked before decoding).
    const next = result.state;
    const fits = submit(next, A, 300, 5);
    if (fits.type !== "submission") throw new Error("unexpected");
    const padded = new Uint8Array(budgetOf(next, A) + 1);
    padded.set(fits.payload);
    const over = drive(next, [{ ...fits, payload: padded }]);
    expect(effectsOf(over.effects, "outcome")[0]?.reason).toMatch(
      /^over-budget: \d+ bytes, more than the \d+ of the sender's byte budget$/u,
    );
  });

  it("refuses an fp32 update from a member of an fp16 run, even one that fits its byte budget", () => {
    let { state } = drive(createRun(testConfig({ minClients: 1, startClients: 1, precision: "fp16" }), undefined), [
      ready(A, 0),
    ]);
    state = completeRound(state, 100, 0.7).state;
    const asFp32 = { ...state, config: { ...state.config, precision: "fp32" as const } };
    const fp32 = submit(asFp32, A, 200, 1);
    const fp16 = submit(state, A, 200, 1);
    if (fp32.type !== "submission" || fp16.type !== "submission") throw new Error("unexpected");
    expect(fp32.payload.length).toBeLessThanOrEqual(budgetOf(state, A));
    const refused = drive(state, [fp32]);
    expect(effectsOf(refused.effects, "outcome")[0]?.reason).toBe(
      "wrong-precision: values in fp32, this run sends fp16",
    );
    expect(effectsOf(drive(state, [fp16]).effects, "outcome")[0]?.outcome).toBe("submitted");
  });

  it("closes a round under quorum without aggregating, says so, and reuses the last evaluation", () => {
    let { state } = started();
    state = completeRound(state, 100, 0.7).state;
    const before = state.global;
    const result = drive(state, [submit(state, A, 200, 1), { type: "participant-left", clientId: B, now: 210 }]);
    const [closed] = effectsOf(result.effects, "round-closed");
    expect(closed).toMatchObject({ round: 1, aggregated: false });
    expect(effectsOf(result.effects, "evaluate")).toEqual([]);
    const [line] = effectsOf(result.effects, "log-round");
    expect(line?.line).toMatchObject({ round: 1, aggregated: false, eval: accuracy(0.7) });
    expect(line?.line.note).toMatch(/under quorum: 1 of 2/u);
    expect(result.state.global).toBe(before);
    expect(result.state.stage).toBe("waiting");
  });

  it("waits for startClients before the first round and for minClients after it", () => {
    const config = testConfig({ minClients: 2, startClients: 3 });
    const two = drive(createRun(config, undefined), [ready(A, 0), ready(B, 1)]);
    expect(two.state.active).toBeUndefined();
    const three = drive(two.state, [ready(C, 2)]);
    expect(three.state.active?.members.size).toBe(3);
    const afterProbe = completeRound(three.state, 100, 0.7).state;
    const left = drive(afterProbe, [
      { type: "participant-left", clientId: C, now: 150 },
      submit(afterProbe, A, 200, 1),
      submit(afterProbe, B, 210, 2),
    ]);
    expect(left.state.active?.round).toBe(2);
  });

  it("starts a language-model run with a baseline round 0 that has no members", () => {
    const { state, effects } = started(testConfig({ classification: false }));
    expect(effectsOf(effects, "evaluate").map((e) => e.round)).toEqual([0]);
    expect(state.active).toMatchObject({ round: 1, phase: "lora" });
    const evaluated = drive(state, [
      { type: "evaluated", round: 0, evaluation: { loss: 5, perplexity: 148, examples: 10 }, now: 3 },
    ]);
    const [line] = effectsOf(evaluated.effects, "log-round");
    expect(line?.line).toMatchObject({ round: 0, phase: "baseline", clients: [], aggregated: false });
  });

  it("waits for an earlier round's evaluation before logging a later round", () => {
    let { state } = started();
    state = completeRound(state, 100, 0.7).state;
    const afterRound1 = drive(state, [submit(state, A, 200, 1), submit(state, B, 201, 2)]).state;
    const afterRound2 = drive(afterRound1, [submit(afterRound1, A, 300, 1), submit(afterRound1, B, 301, 2)]);
    expect(effectsOf(afterRound2.effects, "log-round")).toEqual([]);
    const early = drive(afterRound2.state, [{ type: "evaluated", round: 2, evaluation: accuracy(0.9), now: 310 }]);
    expect(effectsOf(early.effects, "log-round")).toEqual([]);
    const late = drive(early.state, [{ type: "evaluated", round: 1, evaluation: accuracy(0.8), now: 320 }]);
    expect(effectsOf(late.effects, "log-round").map((e) => e.line.round)).toEqual([1, 2]);
    expect(effectsOf(late.effects, "finished")).toHaveLength(1);
  });

  it.each([
    ["soft", true, true],
    ["topk", true, true],
    ["fedit", true, false],
    ["soft", false, false],
  ] as const)(
    "asks %s participants for error feedback (asked: %s) in LoRA rounds only: %s",
    (rule, asked, expected) => {
      const { state, effects } = started(testConfig({ rule, errorFeedback: asked }));
      const probe = effectsOf(effects, "start-round")[0]?.assignments[0]?.assignment;
      expect(probe).toMatchObject({ phase: "probe", errorFeedback: false });
      const lora = effectsOf(completeRound(state, 100, 0.7).effects, "start-round")[0]?.assignments[0]?.assignment;
      expect(lora).toMatchObject({ phase: "lora", errorFeedback: expected });
    },
  );

  it.each(["fedit", "ffa", "topk"] as const)("completes rounds with the %s rule", (rule) => {
    let { state } = started(testConfig({ rule }));
    state = completeRound(state, 100, 0.7).state;
    expect(state.active?.kind).toBe({ fedit: "dense", ffa: "b-only", topk: "topk" }[rule]);
    const result = completeRound(state, 200, 0.8);
    const [line] = effectsOf(result.effects, "log-round");
    expect(line?.line).toMatchObject({ round: 1, rule, aggregated: true });
  });
});
