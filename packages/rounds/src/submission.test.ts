// Table tests of bad submissions (docs/reliability.md, "Hostile input"): every kind of bad update a member can hand
// in ends that member's round as `rejected` with a reason that names the problem, and the round still aggregates the
// other members' updates. Real encoded updates, altered the way a broken or hostile participant would.
import { describe, expect, it } from "vitest";
import type { AdapterSpec, AdapterUpdate, Precision } from "@airlora/core";
import { encodeUpdate } from "@airlora/protocol";
import type { RunEvent } from "./events";
import { createRun, type RunState } from "./state";
import { drive, effectsOf, ids, ready, report, smallSpec, submit, testConfig } from "./test-run";

const [A, B, C] = ids;
const STRANGER = "c-0000000000ff";

/** Round 1 (LoRA) open with members A, B and C. */
function loraRound(precision: Precision): RunState {
  let { state } = drive(createRun(testConfig({ minClients: 1, startClients: 3, precision }), undefined), [
    ready(A, 0),
    ready(B, 0),
    ready(C, 0),
  ]);
  for (const [n, id] of [A, B, C].entries()) state = drive(state, [submit(state, id, 100, n + 1)]).state;
  state = drive(state, [
    { type: "evaluated", round: 0, evaluation: { loss: 0.5, accuracy: 0.5, examples: 10 }, now: 101 },
  ]).state;
  if (state.active?.round !== 1 || state.active.phase !== "lora") throw new Error("round 1 did not start");
  return state;
}

function submission(event: RunEvent): Extract<RunEvent, { type: "submission" }> {
  if (event.type !== "submission") throw new Error("not a submission");
  return event;
}

/** C's well-formed update with the value bytes at the very end (the last dense value) replaced by `bits`. */
function withLastValue(state: RunState, bits: number, precision: Precision): RunEvent {
  const good = submission(submit(state, C, 200, 3));
  const payload = good.payload.slice();
  const view = new DataView(payload.buffer);
  if (precision === "fp32") view.setUint32(payload.length - 4, bits, true);
  else view.setUint16(payload.length - 2, bits, true);
  return { ...good, payload };
}

/** A soft update with every rank for `spec`, all zeros, encoded. */
function zeroUpdate(spec: AdapterSpec, round: number, precision: Precision, kind: "soft" | "dense"): Uint8Array {
  const modules = spec.modules.map((m) =>
    kind === "soft"
      ? {
          ranks: Array.from({ length: m.rank }, (_, i) => i),
          a: new Float32Array(m.rank * m.k),
          b: new Float32Array(m.rank * m.d),
        }
      : { a: new Float32Array(m.rank * m.k), b: new Float32Array(m.rank * m.d) },
  );
  const dense = spec.dense.map((t) => new Float32Array(t.shape.reduce((p, n) => p * n, 1)));
  const encoded = encodeUpdate(spec, { kind, round, modules, dense } as AdapterUpdate, precision);
  if (!encoded.ok) throw new Error(encoded.error.reason);
  return encoded.value;
}

type Case = readonly [name: string, precision: Precision, make: (state: RunState) => RunEvent, reason: RegExp];

const CASES: readonly Case[] = [
  ["a NaN among fp32 values", "fp32", (s) => withLastValue(s, 0x7fc00000, "fp32"), /^not-finite: .*NaN/u],
  ["+Infinity among fp32 values", "fp32", (s) => withLastValue(s, 0x7f800000, "fp32"), /^not-finite: .*Infinity/u],
  ["-Infinity among fp32 values", "fp32", (s) => withLastValue(s, 0xff800000, "fp32"), /^not-finite: .*Infinity/u],
  ["a NaN among fp16 values", "fp16", (s) => withLastValue(s, 0x7e00, "fp16"), /^not-finite: .*NaN or Infinity/u],
  ["+Infinity among fp16 values", "fp16", (s) => withLastValue(s, 0x7c00, "fp16"), /^not-finite/u],
  [
    "an update for another adapter (rank 2, the run's is 4)",
    "fp32",
    (s) => ({ ...submission(submit(s, C, 200, 3)), payload: zeroUpdate(smallSpec(2), 1, "fp32", "soft") }),
    /^spec-mismatch/u,
  ],
  [
    "an update for another head shape",
    "fp32",
    (s) => {
      const other = {
        ...smallSpec(4),
        dense: [
          { name: "head.weight", shape: [4, 1] },
          { name: "head.bias", shape: [1] },
        ],
      };
      return { ...submission(submit(s, C, 200, 3)), payload: zeroUpdate(other, 1, "fp32", "soft") };
    },
    /^spec-mismatch/u,
  ],
  [
    "an update of another kind than the run's rule",
    "fp32",
    (s) => ({ ...submission(submit(s, C, 200, 3)), payload: zeroUpdate(smallSpec(4), 1, "fp32", "dense") }),
    /^wrong-kind/u,
  ],
  [
    "an update in another precision than the run's",
    "fp32",
    (s) => ({ ...submission(submit(s, C, 200, 3)), payload: zeroUpdate(smallSpec(4), 1, "fp16", "soft") }),
    /^wrong-precision: values in fp16, this run sends fp32/u,
  ],
  [
    "a truncated update",
    "fp32",
    (s) => {
      const good = submission(submit(s, C, 200, 3));
      return { ...good, payload: good.payload.subarray(0, good.payload.length - 3) };
    },
    /^truncated/u,
  ],
  [
    "a report whose spectrum does not fit the adapter",
    "fp32",
    (s) => ({ ...submission(submit(s, C, 200, 3)), report: report(1, [1, 0.5]) }),
    /^bad-report/u,
  ],
  [
    "an update trained for no steps at all (it would only pull the average back to the round's start)",
    "fp32",
    (s) => {
      const good = submission(submit(s, C, 200, 3));
      return { ...good, report: { ...good.report, stepsDone: 0, computeMs: 17 } };
    },
    /^no-training: 0 local steps/u,
  ],
  [
    "an upload the socket layer refused (a chunk out of order)",
    "fp32",
    () => ({ type: "upload-refused", clientId: C, round: 1, reason: "out-of-order: chunk at 8, expected 4", now: 200 }),
    /^out-of-order/u,
  ],
  [
    "a submit with no finished upload",
    "fp32",
    () => ({ type: "upload-refused", clientId: C, round: 1, reason: "submitted without a finished upload", now: 200 }),
    /without a finished upload/u,
  ],
];

describe("bad submissions", () => {
  it.each(CASES)("rejects %s with a reason, and the round aggregates the others", (_name, precision, make, reason) => {
    const state = loraRound(precision);
    const result = drive(state, [make(state), submit(state, A, 210, 1), submit(state, B, 220, 2)]);
    const outcomes = effectsOf(result.effects, "outcome").map((o) => [o.clientId, o.outcome, o.reason ?? ""]);
    expect(outcomes).toEqual([
      [C, "rejected", expect.stringMatching(reason)],
      [A, "submitted", ""],
      [B, "submitted", ""],
    ]);
    expect(effectsOf(result.effects, "member-status")).toContainEqual(
      expect.objectContaining({ clientId: C, status: "rejected" }),
    );
    expect(effectsOf(result.effects, "round-closed")[0]).toMatchObject({ round: 1, aggregated: true });
  });

  it("answers a submission from a client that is no member with rejected, and leaves the round as it was", () => {
    const state = loraRound("fp32");
    const stranger = { ...submission(submit(state, C, 200, 3)), clientId: STRANGER };
    const result = drive(state, [stranger]);
    const outcomes = effectsOf(result.effects, "outcome");
    expect(outcomes.map((o) => [o.clientId, o.outcome])).toEqual([[STRANGER, "rejected"]]);
    expect(outcomes[0]?.reason).toMatch(/not a member/u);
    expect(result.state).toBe(state);
  });

  it("ignores a refused upload for a round that is not open or from a stranger", () => {
    const state = loraRound("fp32");
    const result = drive(state, [
      { type: "upload-refused", clientId: C, round: 7, reason: "wrong-round", now: 200 },
      { type: "upload-refused", clientId: STRANGER, round: 1, reason: "bad-chunk", now: 200 },
    ]);
    expect(result.effects).toEqual([]);
    expect(result.state).toBe(state);
  });
});
