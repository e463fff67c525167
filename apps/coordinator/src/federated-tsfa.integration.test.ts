// TSFA against a slow uplink (docs/testing.md section 6): one participant's link carries 150 kbit/s, a fifth of a
// fair share of the 1 Mbit/s uplink. The schedule must give it less (budget or share) than the others, and over
// ten LoRA rounds the time-average round latency must stay within 10% of the latency budget.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundLogLine } from "@airlora/protocol";
import {
  runDone,
  startParticipants,
  startTestCoordinator,
  type TestCoordinator,
  type TestParticipants,
} from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";

const BUDGET_MS = 3000;
const SLOW = 2;

let run: TestCoordinator;
let participants: TestParticipants;
let lora: RoundLogLine[] = [];

beforeAll(async () => {
  run = await startTestCoordinator({
    task: "spam",
    rounds: 10,
    minClients: 3,
    shards: 3,
    localSteps: 10,
    latencyBudgetMs: BUDGET_MS,
    uplinkMbps: 1,
    chunkBytes: 8192,
    evalRows: 200,
  });
  participants = startParticipants(run.origin, 3, (index) =>
    index === SLOW ? [{ kind: "slow-upload", bps: 150_000 }] : [],
  );
  await runDone(run.engine, 280_000);
  lora = readRoundLog(run.engine.run.directory.path).filter((l) => l.phase === "lora");
});

afterAll(async () => {
  await participants.stop();
  await run.close();
});

describe("TSFA with one slow uplink", () => {
  it("measures the slow participant's uplink as slow", () => {
    const slowId = participants.clientId(SLOW);
    const last = lora.at(-1);
    const slow = last?.clients.find((c) => c.id === slowId);
    const fast = last?.clients.filter((c) => c.id !== slowId) ?? [];
    expect(slow?.estUplinkBps).toBeLessThan(200_000);
    for (const c of fast) expect(c.estUplinkBps).toBeGreaterThan(500_000);
  });

  it("gives the slow participant a smaller byte budget or bandwidth share than the others in every LoRA round", () => {
    const slowId = participants.clientId(SLOW);
    expect(lora).toHaveLength(10);
    for (const line of lora) {
      const slow = line.clients.find((c) => c.id === slowId);
      const others = line.clients.filter((c) => c.id !== slowId);
      if (slow === undefined) throw new Error(`round ${line.round} has no slow participant`);
      for (const other of others) {
        expect(slow.byteBudget < other.byteBudget || slow.bandwidthShare < other.bandwidthShare).toBe(true);
      }
    }
  });

  it("keeps the time-average round latency within 10% of the budget", () => {
    const mean = lora.reduce((s, l) => s + l.roundLatencyMs, 0) / lora.length;
    expect(mean).toBeLessThanOrEqual(1.1 * BUDGET_MS);
  });
});
