// Every aggregation rule and the fixed scheduler complete a short federated run (docs/testing.md section 6): a
// table of runs, each spam on nano with two participants and two LoRA rounds.
import { afterEach, describe, expect, it } from "vitest";
import {
  runDone,
  startParticipants,
  startTestCoordinator,
  type TestCoordinator,
  type TestParticipants,
} from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";
import type { RunFlags } from "./run/run-settings";

let run: TestCoordinator | undefined;
let participants: TestParticipants | undefined;

afterEach(async () => {
  await participants?.stop();
  await run?.close();
});

const table: readonly { name: string; flags: RunFlags; kind: string }[] = [
  { name: "fedit (dense A and B)", flags: { rule: "fedit" }, kind: "dense" },
  { name: "ffa (A frozen, B only)", flags: { rule: "ffa" }, kind: "b-only" },
  { name: "topk (element-wise deltas)", flags: { rule: "topk" }, kind: "topk" },
  { name: "soft with the fixed scheduler", flags: { rule: "soft", scheduler: "fixed", keptRatio: 0.5 }, kind: "soft" },
];

describe("aggregation rules and schedulers", () => {
  it.each(table)("$name completes a two-round run", async ({ flags }) => {
    run = await startTestCoordinator({
      task: "spam",
      rounds: 2,
      minClients: 2,
      shards: 2,
      localSteps: 5,
      rank: 4,
      ...flags,
    });
    participants = startParticipants(run.origin, 2);
    await runDone(run.engine, 180_000);
    const lines = readRoundLog(run.engine.run.directory.path);
    expect(lines.map((l) => l.round)).toEqual([0, 1, 2]);
    for (const line of lines.filter((l) => l.phase === "lora")) {
      expect(line.rule).toBe(flags.rule);
      expect(line.scheduler).toBe(flags.scheduler ?? "tsfa");
      expect(line.aggregated).toBe(true);
      for (const client of line.clients) {
        expect(client.status).toBe("submitted");
        expect(client.bytesUp).toBeLessThanOrEqual(client.byteBudget);
      }
    }
    if (flags.scheduler === "fixed") {
      const shares = lines.filter((l) => l.phase === "lora").flatMap((l) => l.clients.map((c) => c.bandwidthShare));
      expect(new Set(shares)).toEqual(new Set([0.5]));
    }
  });
});
