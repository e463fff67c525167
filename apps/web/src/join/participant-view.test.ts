import { describe, expect, it } from "vitest";
import type { WorkerReply } from "../worker/messages";
import { adviceFor, initialView, isWorking, nextView, withVisibility, type ParticipantView } from "./participant-view";

const fold = (replies: readonly WorkerReply[], from: ParticipantView = initialView): ParticipantView =>
  replies.reduce(nextView, from);
const event = (e: Extract<WorkerReply, { type: "event" }>["event"]): WorkerReply => ({ type: "event", event: e });

const joined: WorkerReply[] = [
  { type: "backend", backend: "wasm", rows: [{ backend: "wasm", verdict: "chosen", probeMs: 3, reason: "fastest" }] },
  event({ type: "connection", state: "connected" }),
  event({ type: "joined", clientId: "c-0123456789ab", resumed: false }),
];

const assignedFor = (round: number): WorkerReply =>
  event({
    type: "assigned",
    round,
    phase: "lora",
    bandwidthShare: 0.5,
    paceBps: 1e6,
    byteBudget: 20_000,
    deadlineMs: 30_000,
    localSteps: 5,
  });
const assigned = assignedFor(1);

describe("participant page view", () => {
  it("follows a round from its assignment to its outcome with steps, bytes both ways and energy kept", () => {
    const view = fold([
      ...joined,
      assigned,
      { type: "download", path: "/api/run/rounds/1/global.bin", bytes: 51_200, fromCache: false },
      event({
        type: "round",
        round: 1,
        phase: "lora",
        stage: "training",
        done: 3,
        total: 5,
        loss: 0.4,
        tokensPerSec: 900,
      }),
    ]);
    expect(view.rounds[0]).toMatchObject({ stage: "training", step: 3, steps: 5, loss: 0.4, tokensPerSec: 900 });
    expect(view.rounds[0]?.bytesDown).toBe(51_200);
    expect(isWorking(view)).toBe(true);

    const report = {
      round: 1,
      downloadMs: 5,
      computeMs: 50,
      uploadMs: 20,
      stepsDone: 5,
      trainLoss: 0.35,
      spectrum: [],
      keptRatio: 0.5,
      energyLost: 0.04,
      peakBytes: null,
    };
    const uploaded = fold(
      [
        event({ type: "reported", round: 1, report, bytesUp: 9_000 }),
        event({ type: "round", round: 1, phase: "lora", stage: "submitted", done: 9_000, total: 9_000 }),
      ],
      view,
    );
    expect(uploaded.rounds[0]).toMatchObject({ stage: "uploaded", bytesUp: 9_000, loss: 0.35 });
    expect(uploaded.rounds[0]?.energyKept).toBeCloseTo(0.96);
    expect(isWorking(uploaded)).toBe(false);
    const decided = fold([event({ type: "outcome", round: 1, outcome: "submitted" })], uploaded);
    expect(decided.rounds[0]?.stage).toBe("submitted");
  });

  it("adds up what the join downloaded from the network and from the cache", () => {
    const view = fold([
      ...joined,
      { type: "download", path: "/api/run/model/0123456789abcdef/model.safetensors", bytes: 600, fromCache: true },
      { type: "download", path: "/api/run/shards/0-0123456789abcdef.bin", bytes: 80, fromCache: false },
    ]);
    expect(view.join).toMatchObject({ networkBytes: 80, cacheBytes: 600 });
  });

  it("turns a refused token into advice that outlasts the socket closing, and retries a transport failure", () => {
    const refused = fold([
      ...joined.slice(0, 1),
      event({ type: "connection", state: "disconnected", reason: "bad-token: the join token is missing or wrong" }),
      { type: "ended" },
    ]);
    expect(refused.connection).toMatchObject({
      kind: "refused",
      reason: "bad-token: the join token is missing or wrong",
    });
    expect(refused.connection.kind === "refused" && refused.connection.advice).toMatch(/scan the QR code/u);

    const full = fold([
      ...joined,
      event({ type: "problem", code: "coordinator:full", reason: "the coordinator already holds 2 clients" }),
      event({ type: "connection", state: "disconnected", reason: "io server disconnect" }),
    ]);
    expect(full.connection).toMatchObject({ kind: "refused" });

    const down = fold([...joined, event({ type: "connection", state: "disconnected", reason: "websocket error" })]);
    expect(down.connection).toEqual({ kind: "reconnecting", reason: "websocket error" });
    expect(adviceFor("websocket error: connect ECONNREFUSED")).toBeUndefined();
  });

  it("marks only the rounds still open when the page goes into the background", () => {
    const done = fold([...joined, assigned, event({ type: "outcome", round: 1, outcome: "late" })]);
    const next = fold(
      [{ ...assigned, event: { ...(assigned as { event: object }).event, round: 2 } } as WorkerReply],
      done,
    );
    const hidden = withVisibility(next, true);
    expect(hidden.rounds.map((r) => [r.round, r.hidden])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(withVisibility(hidden, false).rounds.map((r) => r.hidden)).toEqual([false, true]);
  });
});
