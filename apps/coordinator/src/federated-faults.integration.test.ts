// Participants that leave, stop answering or send bad updates (docs/testing.md section 6): each ends its round as
// dropped, late or rejected with a reason, and the round completes with the two well-behaved ones.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundLogClient, RoundLogLine } from "@airlora/protocol";
import type { Fault } from "./node-clients/faults";
import {
  runDone,
  startParticipants,
  startTestCoordinator,
  type TestCoordinator,
  type TestParticipants,
} from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";

/** Participant index -> its fault in round 2 (0 and 1 behave). */
const FAULTS: readonly (Fault | undefined)[] = [
  undefined,
  undefined,
  { kind: "disconnect", round: 2 },
  { kind: "silent", round: 2 },
  { kind: "corrupt", round: 2 },
  { kind: "over-budget", round: 2 },
  { kind: "wrong-round", round: 2 },
  { kind: "replay", round: 2 },
];

let run: TestCoordinator;
let participants: TestParticipants;
let round2: RoundLogLine | undefined;

beforeAll(async () => {
  run = await startTestCoordinator({
    task: "spam",
    rounds: 2,
    minClients: 2,
    startClients: FAULTS.length,
    shards: FAULTS.length,
    localSteps: 5,
    rank: 4,
    latencyBudgetMs: 8000,
    // A fast uplink: every budget is the whole update, so round 1's update replayed in round 2 fits its budget and is
    // refused for what it is (the round in its header), not for its size.
    uplinkMbps: 100,
  });
  participants = startParticipants(run.origin, FAULTS.length, (index) => {
    const fault = FAULTS[index];
    return fault === undefined ? [] : [fault];
  });
  await runDone(run.engine, 240_000);
  round2 = readRoundLog(run.engine.run.directory.path).find((l) => l.round === 2);
});

afterAll(async () => {
  await participants.stop();
  await run.close();
});

function entryOf(index: number): RoundLogClient | undefined {
  const id = participants.clientId(index);
  return round2?.clients.find((c) => c.id === id);
}

describe("faulty participants in round 2", () => {
  it("completes round 2 with the two well-behaved participants' updates", () => {
    expect(round2?.aggregated).toBe(true);
    expect(entryOf(0)?.status).toBe("submitted");
    expect(entryOf(1)?.status).toBe("submitted");
  });

  it("marks the one that disconnected dropped and the one that stopped answering late", () => {
    expect(entryOf(2)).toMatchObject({ status: "dropped" });
    expect(entryOf(3)).toMatchObject({ status: "late" });
  });

  it.each([
    [4, "corrupt", /bad-magic|magic/u],
    [5, "over-budget", /over-budget/u],
    [6, "wrong-round", /wrong-round/u],
    [7, "replayed", /wrong-round/u],
  ] as const)("rejects participant %i's %s update with a reason", (index, _what, reason) => {
    const entry = entryOf(index);
    expect(entry?.status).toBe("rejected");
    expect(entry?.reason).toMatch(reason);
  });
});
