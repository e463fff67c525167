import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMessage } from "../parse";
import { Assignment, ChunkAck, RoundReport, UploadChunkMeta } from "./round";
import { RoundLogLine } from "./round-log";
import { SessionInfo } from "./session";

const assignment: Assignment = {
  round: 3,
  phase: "lora",
  bandwidthShare: 0.25,
  paceBps: 500_000,
  byteBudget: 40_000,
  deadlineMs: 12_000,
  localSteps: 30,
  precision: "fp16",
  kind: "soft",
  errorFeedback: false,
  adapter: { rank: 8, alpha: 16, targets: ["emb", "q", "v"], fingerprint: 123456 },
  global: { path: "/api/run/rounds/3/global.bin", bytes: 100_896 },
  seed: 42,
};

describe("round messages", () => {
  it("accepts a well-formed assignment and refuses unknown fields and impossible values, naming them", () => {
    expect(parseMessage(Assignment, assignment).ok).toBe(true);
    const extra = parseMessage(Assignment, { ...assignment, admin: true });
    expect(!extra.ok && extra.error.reason).toContain("admin");
    for (const bad of [
      { bandwidthShare: 1.5 },
      { byteBudget: 0 },
      { kind: "zip" },
      { adapter: { ...assignment.adapter, targets: [] } },
    ]) {
      expect(parseMessage(Assignment, { ...assignment, ...bad }).ok).toBe(false);
    }
  });

  it("only accepts resource paths on the coordinator, not URLs elsewhere", () => {
    const elsewhere = { ...assignment, global: { path: "https://evil.example/x", bytes: 1 } };
    expect(parseMessage(Assignment, elsewhere).ok).toBe(false);
  });

  it("reads both shapes of a chunk acknowledgement", () => {
    expect(parseMessage(ChunkAck, { ok: true, receivedBytes: 10 }).ok).toBe(true);
    expect(parseMessage(ChunkAck, { ok: false, code: "over-budget", reason: "too big" }).ok).toBe(true);
    expect(parseMessage(ChunkAck, { ok: true }).ok).toBe(false);
  });

  it("never throws and never accepts arbitrary input as any round message or log line", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        for (const schema of [Assignment, UploadChunkMeta, RoundReport, SessionInfo, RoundLogLine]) {
          expect(parseMessage(schema, input).ok).toBe(false);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a report whose figures cannot be true", () => {
    const report: RoundReport = {
      round: 1,
      downloadMs: 10,
      computeMs: 100,
      uploadMs: 20,
      stepsDone: 10,
      trainLoss: 0.3,
      spectrum: [1, 0.5],
      keptRatio: 0.5,
      energyLost: 0.1,
      peakBytes: null,
    };
    expect(parseMessage(RoundReport, report).ok).toBe(true);
    for (const bad of [{ spectrum: [-1] }, { keptRatio: 2 }, { uploadMs: -5 }, { trainLoss: Number.NaN }]) {
      expect(parseMessage(RoundReport, { ...report, ...bad }).ok).toBe(false);
    }
  });
});
