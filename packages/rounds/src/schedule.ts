// TSFA stage 2 (or the fixed baseline) for one round (docs/algorithms.md section 5.2): from the members' estimates to
// each one's bandwidth share, byte budget and expected latency.
import {
  fixedSchedule,
  mixSeed,
  solveStage2,
  UPDATE_KIND_OF_RULE,
  type AdapterSpec,
  type ComponentCost,
  type Stage2Input,
  type Stage2Schedule,
  type UpdateKind,
} from "@airlora/core";
import { maxEncodedSize, softComponentBytes, softOverheadBytes, topkOverheadBytes } from "@airlora/protocol";
import type { RunConfig } from "./config";
import { predictedTauMs, priorSpectrum } from "./estimates";
import type { MemberPlan, Participant } from "./state";

export interface RoundPlan {
  readonly kind: UpdateKind;
  readonly members: ReadonlyMap<string, MemberPlan>;
  readonly expectedLatencyMs: number;
  readonly note?: string;
}

/** Bytes every update of this kind pays whatever it keeps; for dense kinds the whole (fixed) payload. */
export function fixedPayloadBytes(spec: AdapterSpec, config: RunConfig, kind: UpdateKind): number {
  switch (kind) {
    case "soft":
      return softOverheadBytes(spec, config.precision);
    case "topk":
      return topkOverheadBytes(spec, config.precision);
    case "dense":
    case "b-only":
      return maxEncodedSize(spec, config.precision, kind);
    default:
      return kind satisfies never;
  }
}

/** The per-member seed of a round's batch draws. */
export function memberSeed(config: RunConfig, round: number, clientId: string): number {
  let h = 0;
  for (let i = 0; i < clientId.length; i += 1) h = Math.imul(h, 31) + clientId.charCodeAt(i);
  return mixSeed([config.seed, round, h]);
}

/** Round 0 of a classification run: everybody sends only its head, with an equal share of the uplink. */
export function planProbeRound(
  config: RunConfig,
  spec: AdapterSpec,
  round: number,
  members: readonly Participant[],
): RoundPlan {
  const share = 1 / Math.max(1, members.length);
  const byteBudget = softOverheadBytes(spec, config.precision);
  return {
    kind: "soft",
    expectedLatencyMs: config.probeDeadlineMs,
    members: new Map(
      members.map((p) => [
        p.clientId,
        {
          bandwidthShare: share,
          byteBudget,
          expectedLatencyMs: config.probeDeadlineMs,
          excluded: false,
          estUplinkBps: p.uplinkBps,
          seed: memberSeed(config, round, p.clientId),
        },
      ]),
    ),
  };
}

/** Stage 2's input for these members: their predicted tau_n, rate, weight and component profile. */
export function stage2Input(
  config: RunConfig,
  spec: AdapterSpec,
  kind: UpdateKind,
  members: readonly Participant[],
  virtualQueue: number,
  fallbackMsPerStep: number,
): Stage2Input {
  const fixed = fixedPayloadBytes(spec, config, kind);
  const dense = kind === "dense" || kind === "b-only";
  const overhead = dense ? softOverheadBytes(spec, config.precision) : fixed;
  const componentBytes = spec.modules.flatMap((m) =>
    Array.from({ length: m.rank }, () => softComponentBytes(m, config.precision)),
  );
  const prior = priorSpectrum(spec);
  const profile = (p: Participant): ComponentCost[] =>
    dense
      ? [{ energy: 1, bytes: fixed - overhead }]
      : componentBytes.map((bytes, i) => ({ energy: (p.spectrum ?? prior)[i] ?? 0, bytes }));
  return {
    participants: members.map((p) => ({
      clientId: p.clientId,
      tauSec: predictedTauMs(p, config.localSteps, fallbackMsPerStep) / 1000,
      rate: { kind: "linear", capacityBps: Math.max(1, p.uplinkBps) },
      dataWeight: Math.max(1, p.dataWeight),
      components: profile(p),
    })),
    totalBandwidth: config.uplinkBps,
    virtualQueue,
    penaltyWeight: config.penaltyWeight,
    minBytes: dense ? fixed : overhead + Math.min(...componentBytes),
    overheadBytes: overhead,
  };
}

/** When TSFA's plan leaves fewer than the quorum in, Q is weighted by 2^e for the largest e in [this, 0] that keeps
 * it (to within 1/2^QUORUM_BISECTIONS of the range), or by 0 if even 2^this does not. */
const QUORUM_MIN_EXPONENT = -40;
const QUORUM_BISECTIONS = 7;

function includedIn(plan: Stage2Schedule | undefined): number {
  return plan?.clients.filter((c) => !c.excluded).length ?? 0;
}

/**
 * Weighs latency less until the plan keeps the quorum: the members it adds back are the ones cheapest in latency,
 * and a straggler stays out. The largest weight that works is found by bisection on its exponent; Q = 0 (everyone
 * in and waited for, nothing held back) is the last resort.
 */
function planForQuorum(input: Stage2Input, quorum: number): { schedule: Stage2Schedule; weight: string } | undefined {
  const keeps = (exponent: number): Stage2Schedule | undefined => {
    const relaxed = solveStage2({ ...input, virtualQueue: input.virtualQueue * 2 ** exponent });
    return relaxed.ok && includedIn(relaxed.value) >= quorum ? relaxed.value : undefined;
  };
  let found = keeps(QUORUM_MIN_EXPONENT);
  if (found === undefined) {
    const everyone = solveStage2({ ...input, virtualQueue: 0 });
    return everyone.ok ? { schedule: everyone.value, weight: "0" } : undefined;
  }
  let lo = QUORUM_MIN_EXPONENT;
  let hi = 0;
  for (let step = 0; step < QUORUM_BISECTIONS; step += 1) {
    const mid = (lo + hi) / 2;
    const plan = keeps(mid);
    if (plan === undefined) hi = mid;
    else [lo, found] = [mid, plan];
  }
  return { schedule: found, weight: (2 ** lo).toPrecision(2) };
}

/** A LoRA round's plan. TSFA may leave out members that cannot finish; if that leaves fewer than the quorum, the
 * round is planned again with Q weighted less, until the quorum is in: a round under quorum would teach nothing. */
export function planLoraRound(
  config: RunConfig,
  spec: AdapterSpec,
  round: number,
  members: readonly Participant[],
  virtualQueue: number,
  fallbackMsPerStep: number,
): RoundPlan {
  const kind = UPDATE_KIND_OF_RULE[config.rule];
  const input = stage2Input(config, spec, kind, members, virtualQueue, fallbackMsPerStep);
  const keptRatio = kind === "dense" || kind === "b-only" ? 1 : config.fixedKeptRatio;
  let note: string | undefined;
  let schedule: Stage2Schedule | undefined;
  if (config.scheduler === "fixed") {
    const fixed = fixedSchedule(input, keptRatio);
    schedule = fixed.ok ? fixed.value : undefined;
  } else {
    const solved = solveStage2(input);
    schedule = solved.ok ? solved.value : undefined;
    const quorum = Math.min(config.minClients, members.length);
    const included = includedIn(schedule);
    if (schedule !== undefined && included < quorum) {
      const relaxed = planForQuorum(input, quorum);
      if (relaxed !== undefined) {
        note = `TSFA would leave out all but ${included} of ${members.length}; planned with Q weighted ${relaxed.weight} to keep the quorum`;
        schedule = relaxed.schedule;
      }
    }
    if (schedule === undefined) {
      const fixed = fixedSchedule(input, keptRatio);
      schedule = fixed.ok ? fixed.value : undefined;
      note = `TSFA found no schedule (${solved.ok ? "" : solved.error.reason}); used equal shares`;
    }
  }
  const plans = new Map<string, MemberPlan>();
  for (const [n, p] of members.entries()) {
    const c = schedule?.clients[n];
    plans.set(p.clientId, {
      bandwidthShare: c?.bandwidthShare ?? 1 / members.length,
      byteBudget: c === undefined ? maxEncodedSize(spec, config.precision, kind) : c.byteBudget,
      expectedLatencyMs: 1000 * (c?.expectedLatencySec ?? config.latencyBudgetMs / 1000),
      excluded: c?.excluded ?? false,
      estUplinkBps: p.uplinkBps,
      seed: memberSeed(config, round, p.clientId),
    });
  }
  return {
    kind,
    members: plans,
    expectedLatencyMs: 1000 * (schedule?.roundLatencySec ?? config.latencyBudgetMs / 1000),
    ...(note === undefined ? {} : { note }),
  };
}

/** Deadline after the start: the expected latency plus grace. Before anyone reported a compute time, the estimate
 * is the coordinator's own speed, so the first LoRA round waits at least the latency budget. */
export function roundDeadlineMs(config: RunConfig, expectedLatencyMs: number, measured: boolean): number {
  const base = measured ? expectedLatencyMs : Math.max(expectedLatencyMs, config.latencyBudgetMs);
  return Math.ceil(base + Math.max(config.graceMs, config.graceFraction * base));
}
