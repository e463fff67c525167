// Fixtures for the round machine's table tests: a small adapter, a run config, and real encoded updates built the
// way a participant builds them (core's builders, the protocol codec). Not exported from the package.
import {
  buildBOnlyUpdate,
  buildDenseUpdate,
  buildSoftUpdate,
  buildTopkUpdate,
  cloneAdapter,
  createRng,
  type AdapterSpec,
  type AdapterState,
  type AdapterUpdate,
} from "@airlora/core";
import { encodeUpdate, softOverheadBytes, topkOverheadBytes, type RoundReport } from "@airlora/protocol";
import type { RunConfig } from "./config";
import type { Effect } from "./effects";
import type { RunEvent } from "./events";
import { step } from "./machine";
import type { RunState } from "./state";

export function smallSpec(rank: number): AdapterSpec {
  return {
    modules: [
      { name: "h.0.attn.q", d: 8, k: 8, rank },
      { name: "h.0.attn.v", d: 8, k: 8, rank },
    ],
    dense: [
      { name: "head.weight", shape: [4, 2] },
      { name: "head.bias", shape: [2] },
    ],
    alpha: 2 * rank,
  };
}

export function testConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    runId: "test-run",
    classification: true,
    rule: "soft",
    scheduler: "tsfa",
    rounds: 2,
    minClients: 2,
    startClients: 2,
    localSteps: 10,
    latencyBudgetMs: 10_000,
    uplinkBps: 1_000_000,
    precision: "fp32",
    penaltyWeight: 100,
    queueFloorSec: 0,
    graceMs: 1000,
    graceFraction: 0.5,
    probeDeadlineMs: 60_000,
    fixedKeptRatio: 0.5,
    errorFeedback: false,
    overrideRank: 4,
    specs: [smallSpec(2), smallSpec(4)],
    targets: ["q", "v"],
    seed: 7,
    ...overrides,
  };
}

/** Feeds events one by one; returns the last state and every effect, in order. */
export function drive(state: RunState, events: readonly RunEvent[]): { state: RunState; effects: Effect[] } {
  let current = state;
  const effects: Effect[] = [];
  for (const event of events) {
    const result = step(current, event);
    current = result.state;
    effects.push(...result.effects);
  }
  return { state: current, effects };
}

export function ready(
  clientId: string,
  now: number,
  uplinkBps = 1_000_000,
  dataWeight = 100,
): Extract<RunEvent, { type: "participant-ready" }> {
  return { type: "participant-ready", clientId, dataWeight, probeUplinkBps: uplinkBps, backend: "wasm", now };
}

export const ids = ["c-000000000001", "c-000000000002", "c-000000000003", "c-000000000004"] as const;

/** What a participant would have after training: the global with every factor and the head nudged. */
export function trained(global: AdapterState, seed: number): AdapterState {
  const rng = createRng(seed);
  const local = cloneAdapter(global);
  for (const m of local.modules) {
    for (let i = 0; i < m.a.length; i += 1) m.a[i] = (m.a[i] ?? 0) + 0.05 * rng.normal();
    for (let i = 0; i < m.b.length; i += 1) m.b[i] = (m.b[i] ?? 0) + 0.05 * rng.normal();
  }
  for (const t of local.dense) for (let i = 0; i < t.length; i += 1) t[i] = (t[i] ?? 0) + 0.1 * rng.normal();
  return local;
}

/** The update the run's rule expects, within `byteBudget`, encoded. */
export function updatePayload(
  state: RunState,
  round: number,
  byteBudget: number,
  seed: number,
  kind: AdapterUpdate["kind"],
): { payload: Uint8Array; spectrum: number[] } {
  const spec = state.spec;
  const global = state.active?.global;
  if (spec === undefined || global === undefined) throw new Error("no active round");
  const local = trained(global, seed);
  const precision = state.config.precision;
  const built =
    kind === "soft"
      ? buildSoftUpdate(spec, global, local, round, byteBudget - softOverheadBytes(spec, precision), precision)
      : kind === "topk"
        ? buildTopkUpdate(spec, global, local, round, byteBudget - topkOverheadBytes(spec, precision), precision)
        : kind === "dense"
          ? buildDenseUpdate(spec, global, local, round)
          : buildBOnlyUpdate(spec, global, local, round);
  if (!built.ok) throw new Error(built.error.reason);
  const encoded = encodeUpdate(spec, built.value.update, precision);
  if (!encoded.ok) throw new Error(encoded.error.reason);
  const spectrum = spec.modules.flatMap((m) => Array.from({ length: m.rank }, (_, i) => 1 / (1 + i)));
  return { payload: encoded.value, spectrum };
}

export function report(round: number, spectrum: readonly number[], overrides: Partial<RoundReport> = {}): RoundReport {
  return {
    round,
    downloadMs: 50,
    computeMs: 1000,
    uploadMs: 100,
    stepsDone: 10,
    trainLoss: 0.5,
    spectrum: [...spectrum],
    keptRatio: 1,
    energyLost: 0,
    peakBytes: null,
    ...overrides,
  };
}

/** A member's budget in the active round. */
export function budgetOf(state: RunState, clientId: string): number {
  const member = state.active?.members.get(clientId);
  if (member === undefined) throw new Error(`${clientId} is not a member`);
  return member.plan.byteBudget;
}

/** Submits a well-formed update for `clientId` in the active round. */
export function submit(state: RunState, clientId: string, now: number, seed = 1): RunEvent {
  const round = state.active?.round ?? -1;
  const kind = state.active?.kind ?? "soft";
  const { payload, spectrum } = updatePayload(state, round, budgetOf(state, clientId), seed, kind);
  const probe = state.active?.phase === "probe";
  return { type: "submission", clientId, payload, report: report(round, probe ? [] : spectrum), now };
}

export function effectsOf<T extends Effect["type"]>(
  effects: readonly Effect[],
  type: T,
): Extract<Effect, { type: T }>[] {
  return effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
}
