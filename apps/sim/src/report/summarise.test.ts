import { describe, expect, it } from "vitest";
import type { RoundLogLine } from "@airlora/protocol";
import type { RunRecord } from "./read-run";
import { groupFigures, runFigures } from "./summarise";

type Client = RoundLogLine["clients"][number];
const client = (bytesUp: number, bytesDense: number, energyLost: number): Client =>
  ({ status: "submitted", bytesUp, bytesDense, energyLost }) as Client;
const line = (round: number, latencyMs: number, accuracy: number, clients: Client[]): RoundLogLine =>
  ({
    round,
    phase: round === 0 ? "probe" : "lora",
    startedAt: 1000 * round,
    endedAt: 1000 * round + latencyMs,
    roundLatencyMs: latencyMs,
    latencyBudgetMs: 2000,
    eval: { loss: 1, accuracy, examples: 10 },
    clients,
  }) as RoundLogLine;
const run = (seed: number, accuracy: number): RunRecord => ({
  dir: `d${String(seed)}`,
  runId: `r${String(seed)}`,
  task: "spam",
  preset: "nano",
  rule: "soft",
  scheduler: "tsfa",
  seed,
  penaltyWeight: 4,
  latencyBudgetMs: 2000,
  keptRatio: 0.5,
  queueFloorSec: 2,
  localSteps: 10,
  scenario: "crowded",
  clients: 2,
  lines: [
    line(0, 500, 0.8, [client(100, 100, 0), client(100, 100, 0)]),
    line(1, 1000, 0.85, [client(400, 1000, 0.2), client(600, 1000, 0.1)]),
    line(2, 3000, accuracy, [client(500, 1000, 0.3), client(500, 1000, 0)]),
  ],
});

describe("report figures", () => {
  it("count the LoRA rounds' bytes against dense, their mean latency against the budget, and the last quality", () => {
    const f = runFigures(run(0, 0.9));
    expect(f.quality).toBe(0.9);
    expect(f.bytesUp).toBe(2000);
    expect(f.bytesDense).toBe(4000);
    expect(f.latencyOverBudget).toBe(1); // (1000 + 3000) / 2 over 2000
    expect(f.energyLost).toBeCloseTo(0.15, 12);
    expect(f.curve.map((p) => [p.round, p.seconds])).toEqual([
      [0, 0.5],
      [1, 2],
      [2, 5],
    ]);
    [0.0002, 0.0012, 0.0022].forEach((mb, i) => {
      expect(f.curve[i]?.mbUp).toBeCloseTo(mb, 12);
    });
  });

  it("group runs that differ only in their seed, with the sample standard deviation", () => {
    const groups = groupFigures([
      run(1, 0.9),
      run(0, 0.8),
      { ...run(2, 0.7), rule: "fedit" },
      { ...run(3, 0.7), scheduler: "fixed", keptRatio: 0.25 },
      { ...run(4, 0.7), queueFloorSec: 1 },
    ]);
    expect(groups.map((g) => g.key)).toEqual([
      "spam nano fedit tsfa crowded N=2 steps=10 budget=2s V=4",
      "spam nano soft fixed(k/m=0.25) crowded N=2 steps=10 budget=2s V=4",
      "spam nano soft tsfa crowded N=2 steps=10 budget=2s V=4",
      "spam nano soft tsfa crowded N=2 steps=10 budget=2s V=4 floor=1s",
    ]);
    const group = groups[2];
    expect(group?.seeds).toEqual([0, 1]);
    expect(group?.quality.mean).toBeCloseTo(0.85, 12);
    expect(group?.quality.sd).toBeCloseTo(Math.sqrt(0.005), 12);
  });
});
