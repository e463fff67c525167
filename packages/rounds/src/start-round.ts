// Starting a round (docs/rounds.md): snapshot the ready participants, choose the rank the first time (TSFA stage 1),
// plan shares and budgets (stage 2), and hand every member its assignment.
import { initAdapter } from "@airlora/core";
import { specFingerprint } from "@airlora/protocol";
import { specForRank } from "./config";
import type { Effect, PlannedAssignment } from "./effects";
import { closeBaseline } from "./close-round";
import { planLoraRound, planProbeRound, roundDeadlineMs, type RoundPlan } from "./schedule";
import { chooseRunRank } from "./stage1";
import { readyParticipants, type ActiveRound, type Member, type MemberPlan, type RunState, type Step } from "./state";
import type { AdapterShape, RoundPhase } from "@airlora/protocol";

/** Starts the next round if the run may (not paused, not finishing) and enough participants are ready; otherwise
 * the run waits. */
export function maybeStartRound(state: RunState, now: number): Step<Effect> {
  if (state.active !== undefined || state.paused || state.stage === "finishing" || state.stage === "done")
    return { state, effects: [] };
  const ready = readyParticipants(state);
  const needed = state.waitsForStart ? state.config.startClients : state.config.minClients;
  if (ready.length < needed) {
    return { state: state.stage === "waiting" ? state : { ...state, stage: "waiting" }, effects: [] };
  }
  const effects: Effect[] = [];
  let next = state;
  if (next.rank === undefined || next.spec === undefined || next.global === undefined) {
    const choice = chooseRunRank(next.config, next.pilot, ready);
    const spec = specForRank(next.config, choice.rank) ?? next.config.specs[0];
    if (spec === undefined) return { state, effects: [] };
    next = {
      ...next,
      rank: choice.rank,
      stage1: choice.stage1,
      spec,
      global: initAdapter(spec, next.config.seed),
      startedAt: now,
    };
    effects.push({ type: "run-started", rank: choice.rank, spec, stage1: choice.stage1 });
  }
  const phase = phaseOf(next);
  if (phase === "baseline") {
    const closed = closeBaseline({ ...next, stage: "running" }, now);
    const after = maybeStartRound(closed.state, now);
    return { state: after.state, effects: [...effects, ...closed.effects, ...after.effects] };
  }
  const started = startMemberRound({ ...next, stage: "running" }, phase, now);
  return { state: started.state, effects: [...effects, ...started.effects] };
}

function phaseOf(state: RunState): RoundPhase {
  if (state.config.classification) return state.headFitted ? "lora" : "probe";
  return state.nextRound === 0 ? "baseline" : "lora";
}

function startMemberRound(state: RunState, phase: "probe" | "lora", now: number): Step<Effect> {
  const { config } = state;
  const spec = state.spec;
  const global = state.global;
  if (spec === undefined || global === undefined) return { state, effects: [] };
  const round = state.nextRound;
  const ready = readyParticipants(state).sort((a, b) => a.readyAt - b.readyAt || (a.clientId < b.clientId ? -1 : 1));
  const fallbackMsPerStep = state.pilot?.msPerStep ?? 1000;
  const plan: RoundPlan =
    phase === "probe"
      ? planProbeRound(config, spec, round, ready)
      : planLoraRound(config, spec, round, ready, state.virtualQueue + config.queueFloorSec, fallbackMsPerStep);
  const measured = phase === "probe" || ready.every((p) => p.msPerStep !== undefined);
  const deadlineMs =
    phase === "probe" ? config.probeDeadlineMs : roundDeadlineMs(config, plan.expectedLatencyMs, measured);
  const members = new Map<string, Member>();
  const assignments: { clientId: string; assignment: PlannedAssignment }[] = [];
  // The same for every member: the fingerprint walks the whole spec, so it is computed once a round.
  const adapter: AdapterShape = {
    rank: state.rank ?? 1,
    alpha: spec.alpha,
    targets: [...config.targets],
    fingerprint: specFingerprint(spec),
  };
  const excluded: string[] = [];
  const hiddenNow = new Set(ready.filter((p) => p.hidden === true).map((p) => p.clientId));
  for (const [clientId, memberPlan] of plan.members) {
    const hidden = hiddenNow.has(clientId) ? { hidden: true as const } : {};
    members.set(clientId, { clientId, plan: memberPlan, status: "assigned", bytesDown: 0, ...hidden });
    if (memberPlan.excluded) excluded.push(clientId);
    else {
      const assignment = assignmentOf(config, round, phase, plan, adapter, memberPlan, deadlineMs);
      assignments.push({ clientId, assignment });
    }
  }
  const active: ActiveRound = {
    round,
    phase,
    startedAt: now,
    deadlineAt: now + deadlineMs,
    deadlineMs,
    expectedLatencyMs: plan.expectedLatencyMs,
    kind: plan.kind,
    global,
    members,
    ...(plan.note === undefined ? {} : { note: plan.note }),
  };
  return {
    state: { ...state, active, waitsForStart: false },
    effects: [
      {
        type: "start-round",
        round,
        phase,
        spec,
        global,
        assignments,
        excluded,
        deadlineMs,
        expectedLatencyMs: plan.expectedLatencyMs,
      },
      { type: "set-timer", round, atMs: now + deadlineMs },
    ],
  };
}

function assignmentOf(
  config: RunState["config"],
  round: number,
  phase: "probe" | "lora",
  plan: RoundPlan,
  adapter: AdapterShape,
  member: MemberPlan,
  deadlineMs: number,
): PlannedAssignment {
  return {
    round,
    phase,
    bandwidthShare: Math.min(1, Math.max(0, member.bandwidthShare)),
    paceBps: Math.max(1, member.bandwidthShare * config.uplinkBps),
    byteBudget: Math.max(1, member.byteBudget),
    deadlineMs,
    localSteps: phase === "probe" ? 0 : config.localSteps,
    precision: config.precision,
    kind: plan.kind,
    // The probe round changes only the head, which is always sent whole.
    errorFeedback: config.errorFeedback && phase === "lora" && (plan.kind === "soft" || plan.kind === "topk"),
    adapter,
    seed: member.seed,
  };
}
