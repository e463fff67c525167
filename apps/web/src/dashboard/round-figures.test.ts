import { describe, expect, it } from "vitest";
import { RoundLogLine, type RoundLogClient } from "@airlora/protocol";
import { chartSeries, qualityName, rejectedUpdates, roundTotals, timelineOf } from "./round-figures";

function client(id: string, overrides: Partial<RoundLogClient> = {}): RoundLogClient {
  return {
    id,
    status: "submitted",
    backend: "wasm",
    dataWeight: 100,
    bandwidthShare: 0.5,
    byteBudget: 4000,
    excluded: false,
    expectedLatencyMs: 3000,
    keptRatio: 0.5,
    energyLost: 0.1,
    stepsDone: 5,
    trainLoss: 0.4,
    bytesUp: 1000,
    bytesDown: 8000,
    bytesDense: 3000,
    downloadMs: 100,
    computeMs: 2000,
    uploadMs: 400,
    estUplinkBps: 1_000_000,
    ...overrides,
  };
}

function line(round: number, overrides: Partial<RoundLogLine> = {}): RoundLogLine {
  return RoundLogLine.parse({
    round,
    phase: round === 0 ? "probe" : "lora",
    startedAt: 1000 * round,
    endedAt: 1000 * round + 900,
    rule: "soft",
    scheduler: "tsfa",
    precision: "fp16",
    rank: 4,
    latencyBudgetMs: 10_000,
    roundLatencyMs: 4000 + round,
    expectedLatencyMs: 3500,
    deadlineMs: 6000,
    virtualQueue: 0.25 * round,
    quorum: { minClients: 2, submitted: 2 },
    aggregated: true,
    eval: { loss: 1 / (round + 1), accuracy: 0.5 + 0.1 * round, examples: 200 },
    separationGap: null,
    clients: [client("c-000000000001"), client("c-000000000002", { bytesUp: 1500 })],
    ...overrides,
  });
}

describe("round figures", () => {
  it("sums bytes up over every member and the dense size over the submitted ones only", () => {
    const late = client("c-000000000003", { status: "late", bytesUp: 0, keptRatio: null });
    const totals = roundTotals(line(1, { clients: [client("c-000000000001"), late] }));
    expect(totals).toMatchObject({ bytesUp: 1000, bytesDense: 3000, submitted: 1, loss: 0.5, quality: 0.6 });
  });

  it("gives each chart its rounds in order and one column per series", () => {
    const series = chartSeries([line(2), line(0), line(1, { eval: null })]);
    expect(series.quality).toEqual([
      [0, 1, 2],
      [1, null, 1 / 3],
      [0.5, null, 0.7],
    ]);
    expect(series.bytes).toEqual([
      [0, 1, 2],
      [2500, 2500, 2500],
      [6000, 6000, 6000],
    ]);
    expect(series.latency).toEqual([
      [0, 1, 2],
      [4, 4.001, 4.002],
      [10, 10, 10],
      [0, 0.25, 0.5],
    ]);
  });

  it("leaves a language model's baseline round out of bytes and latency but keeps its evaluation", () => {
    const baseline = line(0, {
      phase: "baseline",
      clients: [],
      eval: { loss: 5, perplexity: 148, examples: 10 },
    });
    const lm = line(1, { eval: { loss: 4, perplexity: 55, examples: 10 } });
    expect(qualityName([baseline, lm])).toBe("perplexity");
    const series = chartSeries([baseline, lm]);
    expect(series.quality).toEqual([
      [0, 1],
      [5, 4],
      [148, 55],
    ]);
    expect(series.bytes[0]).toEqual([1]);
    expect(series.latency[0]).toEqual([1]);
  });

  it("lays a member's download, compute and upload end to end and skips what it did not report", () => {
    const [done, late] = timelineOf(
      line(1, {
        clients: [client("c-000000000001"), client("c-000000000002", { status: "late", uploadMs: null })],
      }),
    );
    expect(done?.phases).toEqual([
      { phase: "download", startMs: 0, ms: 100 },
      { phase: "compute", startMs: 100, ms: 2000 },
      { phase: "upload", startMs: 2100, ms: 400 },
    ]);
    expect(late?.phases.map((p) => p.phase)).toEqual(["download", "compute"]);
  });

  it("counts rejected updates per client over the rounds", () => {
    const rejected = client("c-000000000002", { status: "rejected", reason: "over-budget" });
    const counts = rejectedUpdates([line(1, { clients: [rejected] }), line(2, { clients: [rejected] }), line(3)]);
    expect(counts.get("c-000000000002")).toBe(2);
    expect(counts.get("c-000000000001")).toBeUndefined();
  });
});
