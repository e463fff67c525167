import { describe, expect, it } from "vitest";
import type { RoundLogLine } from "@airlora/protocol";
import { describeRound } from "./round-lines";

const client = {
  id: "c-000000000001",
  status: "submitted" as const,
  backend: "wasm" as const,
  dataWeight: 100,
  bandwidthShare: 0.5,
  byteBudget: 40_000,
  excluded: false,
  expectedLatencyMs: 3000,
  keptRatio: 0.8,
  energyLost: 0.1,
  stepsDone: 30,
  trainLoss: 0.2,
  bytesUp: 30_720,
  bytesDown: 100_000,
  bytesDense: 51_200,
  downloadMs: 10,
  computeMs: 2000,
  uploadMs: 500,
  estUplinkBps: 1e6,
};
const line: RoundLogLine = {
  round: 2,
  phase: "lora",
  startedAt: 0,
  endedAt: 3900,
  rule: "soft",
  scheduler: "tsfa",
  precision: "fp16",
  rank: 8,
  latencyBudgetMs: 10_000,
  roundLatencyMs: 3900,
  expectedLatencyMs: 3500,
  deadlineMs: 6000,
  virtualQueue: 0,
  quorum: { minClients: 2, submitted: 1 },
  aggregated: true,
  eval: { loss: 0.3, accuracy: 0.897, examples: 1209 },
  separationGap: null,
  clients: [client, { ...client, id: "c-000000000002", status: "late", bytesUp: 0 }],
};

describe("round lines on the console", () => {
  it("says the quality, the latency against the budget, who submitted and the bytes against dense", () => {
    expect(describeRound(line)).toBe(
      "  Round 2 (lora) · accuracy 89.7% · 3.9 s of 10.0 s · Q 0.0 s · 1/2 submitted · 30 KiB up of 50 KiB dense · late c-000000000002",
    );
  });

  it("says when a round did not aggregate", () => {
    expect(describeRound({ ...line, aggregated: false })).toContain("not aggregated");
  });
});
