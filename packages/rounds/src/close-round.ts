// Closing a round (docs/rounds.md): whoever is still working is late, the submitted updates are aggregated if the
// quorum was met, the virtual queue is charged with the measured latency, estimates learn from the reports, and
// the new global adapter goes to evaluation and to a checkpoint.
import { aggregationRule, nextVirtualQueue, type Contribution } from "@airlora/core";
import type { Effect } from "./effects";
import { withRoundReport, withStragglerBound } from "./estimates";
import { withPending } from "./pending";
import { roundLogLine } from "./round-log";
import { snapshotRun } from "./snapshot";
import { isTerminal, withEntry, type ActiveRound, type Member, type RunState, type Step } from "./state";

/** Above this many updates the separation-gap diagnostic (O(N r d k), run by the shell's evaluator) is skipped. */
export const SEPARATION_GAP_MAX_UPDATES = 32;

export function closeRound(state: RunState, now: number): Step<Effect> {
  const active = state.active;
  const spec = state.spec;
  if (active === undefined || spec === undefined) return { state, effects: [] };
  const { config } = state;
  const effects: Effect[] = [];

  const members = new Map<string, Member>();
  let participants = state.participants;
  for (const [id, member] of active.members) {
    if (member.plan.excluded || isTerminal(member.status)) {
      members.set(id, member);
      continue;
    }
    const reason = `still ${member.status} at the deadline`;
    const known = participants.get(id);
    if (active.phase === "lora" && known !== undefined) {
      participants = withEntry(participants, id, withStragglerBound(known, member, now));
    }
    members.set(id, { ...member, status: "late", reason });
    effects.push({ type: "outcome", clientId: id, round: active.round, outcome: "late", reason });
    effects.push({ type: "member-status", round: active.round, clientId: id, status: "late", reason });
  }
  const closed: ActiveRound = { ...active, members };
  const submitted = [...members.values()].filter((m) => m.submission !== undefined);
  const contributions: Contribution[] = submitted.flatMap((m) => {
    const weight = state.participants.get(m.clientId)?.dataWeight ?? 0;
    return m.submission === undefined ? [] : [{ update: m.submission.update, weight: Math.max(1, weight) }];
  });

  const notes: string[] = active.note === undefined ? [] : [active.note];
  let global = state.global ?? active.global;
  let aggregated = false;
  if (contributions.length < config.minClients) {
    notes.push(`closed under quorum: ${contributions.length} of ${config.minClients} needed submitted; not aggregated`);
  } else {
    const rule = aggregationRule(active.phase === "lora" ? config.rule : "soft");
    const result = rule.aggregate(spec, active.global, contributions);
    if (result.ok) {
      global = result.value;
      aggregated = true;
    } else {
      notes.push(`aggregation failed (${result.error.reason}); the global adapter is unchanged`);
    }
  }

  const roundLatencyMs = now - active.startedAt;
  const lora = active.phase === "lora";
  const virtualQueue = lora
    ? nextVirtualQueue(state.virtualQueue, roundLatencyMs / 1000, config.latencyBudgetMs / 1000)
    : state.virtualQueue;

  if (lora) {
    for (const member of submitted) {
      const p = participants.get(member.clientId);
      if (p === undefined || member.submission === undefined) continue;
      const paceBps = Math.max(1, member.plan.bandwidthShare * config.uplinkBps);
      participants = withEntry(
        participants,
        p.clientId,
        withRoundReport(p, member.submission.report, member.submission.bytesUp, paceBps, spec),
      );
    }
  }

  const diagnose =
    aggregated && lora && contributions.length >= 2 && contributions.length <= SEPARATION_GAP_MAX_UPDATES;
  const note = notes.length === 0 ? undefined : notes.join("; ");
  const line = roundLogLine(state, closed, spec, {
    endedAt: now,
    roundLatencyMs,
    virtualQueue,
    aggregated,
    separationGap: null,
    ...(note === undefined ? {} : { note }),
  });
  const bytesDense = line.clients[0]?.bytesDense ?? 0;
  const totals = lora
    ? {
        loraRounds: state.totals.loraRounds + 1,
        latencyMsSum: state.totals.latencyMsSum + roundLatencyMs,
        bytesUp: state.totals.bytesUp + submitted.reduce((s, m) => s + (m.submission?.bytesUp ?? 0), 0),
        bytesDense: state.totals.bytesDense + bytesDense * submitted.length,
        submitted: state.totals.submitted + submitted.length,
      }
    : state.totals;
  const reuses = !aggregated && state.lastEval !== null;
  const finishing = lora && totals.loraRounds >= config.rounds;
  let next: RunState = {
    ...state,
    participants,
    global,
    active: undefined,
    nextRound: active.round + 1,
    headFitted: state.headFitted || (active.phase === "probe" && aggregated),
    virtualQueue,
    totals,
    stage: finishing ? "finishing" : state.stage,
  };
  next = withPending(next, active.round, { line, evaluation: undefined, reusesPrevious: reuses });
  effects.push({ type: "round-closed", round: active.round, aggregated, now });
  const rank = state.rank ?? spec.modules[0]?.rank ?? 1;
  effects.push({
    type: "checkpoint",
    round: active.round,
    spec,
    adapter: global,
    snapshot: snapshotRun(next, active.round, rank),
  });
  if (!reuses) {
    effects.push({
      type: "evaluate",
      round: active.round,
      spec,
      adapter: global,
      ...(diagnose ? { diagnose: { global: active.global, contributions } } : {}),
    });
  }
  return { state: next, effects };
}

/** Round 0 of a language-model run: no members, the base model (B = 0) evaluated as the starting point. */
export function closeBaseline(state: RunState, now: number): Step<Effect> {
  const spec = state.spec;
  const global = state.global;
  if (spec === undefined || global === undefined) return { state, effects: [] };
  const round = state.nextRound;
  const active: ActiveRound = {
    round,
    phase: "baseline",
    startedAt: now,
    deadlineAt: now,
    deadlineMs: 0,
    expectedLatencyMs: 0,
    kind: "soft",
    global,
    members: new Map(),
  };
  const line = roundLogLine(state, active, spec, {
    endedAt: now,
    roundLatencyMs: 0,
    virtualQueue: state.virtualQueue,
    aggregated: false,
    separationGap: null,
    note: "the base model before any training",
  });
  const next = withPending({ ...state, nextRound: round + 1 }, round, {
    line,
    evaluation: undefined,
    reusesPrevious: false,
  });
  const rank = state.rank ?? spec.modules[0]?.rank ?? 1;
  return {
    state: next,
    effects: [
      { type: "checkpoint", round, spec, adapter: global, snapshot: snapshotRun(next, round, rank) },
      { type: "evaluate", round, spec, adapter: global },
    ],
  };
}
