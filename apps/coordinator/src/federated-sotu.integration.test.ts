// A federated language-model run (docs/testing.md section 6): sotu on nano, two participants, three LoRA rounds;
// held-out perplexity on the whole evaluation shard must fall below the base model's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundLogLine } from "@airlora/protocol";
import {
  runDone,
  startParticipants,
  startTestCoordinator,
  type TestCoordinator,
  type TestParticipants,
} from "./test-support/federation";
import { perplexityOf, readRoundLog } from "./test-support/round-log";

let run: TestCoordinator;
let participants: TestParticipants;
let lines: RoundLogLine[] = [];

beforeAll(async () => {
  run = await startTestCoordinator({ task: "sotu", rounds: 3, minClients: 2, shards: 4, localSteps: 20 });
  participants = startParticipants(run.origin, 2);
  await runDone(run.engine, 240_000);
  lines = readRoundLog(run.engine.run.directory.path);
});

afterAll(async () => {
  await participants.stop();
  await run.close();
});

describe("a federated sotu run on nano", () => {
  it("logs the base model as round 0 and three LoRA rounds", () => {
    expect(lines.map((l) => [l.round, l.phase, l.aggregated])).toEqual([
      [0, "baseline", false],
      [1, "lora", true],
      [2, "lora", true],
      [3, "lora", true],
    ]);
    expect(lines[0]?.clients).toEqual([]);
  });

  it("evaluates the whole held-out shard and lowers its perplexity below the base model's", () => {
    const { evalRowsAvailable } = (run.engine.run.manifest.data ?? {}) as { evalRowsAvailable?: number };
    for (const line of lines) expect(line.eval?.examples).toBe(evalRowsAvailable);
    expect(perplexityOf(lines[3])).toBeLessThan(perplexityOf(lines[0]));
  });
});
