// A finished upload (docs/rounds.md): checked against everything the round expects of that member before it counts.
// Anything wrong rejects this member's update with a reason; the round and the other members carry on.
import { decodeUpdate } from "@airlora/protocol";
import { clipUpdate } from "./clip-update";
import type { Effect } from "./effects";
import type { RunEvent } from "./events";
import { isTerminal, withEntry, type ActiveRound, type Member, type RunState, type Step } from "./state";

type SubmissionEvent = Extract<RunEvent, { type: "submission" }>;
type RefusalEvent = Extract<RunEvent, { type: "upload-refused" }>;

export function onSubmission(state: RunState, event: SubmissionEvent): Step<Effect> {
  const active = state.active;
  const member = active?.members.get(event.clientId);
  const round = event.report.round;
  if (active === undefined || member === undefined) {
    const reason =
      active === undefined
        ? `round ${round} is not open`
        : `not a member of round ${active.round} (submitted for round ${round})`;
    return { state, effects: [outcome(event.clientId, round, "rejected", reason)] };
  }
  if (member.status === "submitted") {
    // A replay must not replace or disturb the first submission.
    return {
      state,
      effects: [outcome(event.clientId, round, "rejected", "already submitted this round; the first one counts")],
    };
  }
  if (isTerminal(member.status)) {
    return { state, effects: [outcome(event.clientId, round, "rejected", `already ${member.status} this round`)] };
  }
  const problem = problemWith(state, active, member, event);
  if (problem !== undefined) return reject(state, active, member, problem);
  const decoded = decodeUpdate(state.spec ?? { modules: [], dense: [], alpha: 1 }, event.payload, {
    round: active.round,
    kind: active.kind,
    precision: state.config.precision,
    maxBytes: member.plan.byteBudget,
  });
  if (!decoded.ok) return reject(state, active, member, `${decoded.error.code}: ${decoded.error.reason}`);
  const { clipNorm } = state.config;
  const clipped =
    clipNorm === undefined || active.phase !== "lora" || state.spec === undefined
      ? undefined
      : clipUpdate(state.spec, active.global, decoded.value.update, clipNorm);
  const submitted: Member = {
    ...member,
    status: "submitted",
    submission: {
      update: clipped?.update ?? decoded.value.update,
      ...(clipped === undefined ? {} : { clip: { norm: clipped.norm, scale: clipped.scale } }),
      bytesUp: event.payload.length,
      report: event.report,
      receivedAt: event.now,
    },
  };
  return {
    state: withMember(state, active, submitted),
    effects: [
      outcome(event.clientId, active.round, "submitted"),
      { type: "member-status", round: active.round, clientId: event.clientId, status: "submitted" },
    ],
  };
}

export function onUploadRefused(state: RunState, event: RefusalEvent): Step<Effect> {
  const active = state.active;
  const member = active?.members.get(event.clientId);
  if (active?.round !== event.round || member === undefined || isTerminal(member.status)) {
    return { state, effects: [] };
  }
  return reject(state, active, member, event.reason);
}

/** Checks that need no decoding, cheapest first. */
function problemWith(state: RunState, active: ActiveRound, member: Member, event: SubmissionEvent): string | undefined {
  if (member.plan.excluded) return "excluded from this round by the schedule";
  if (event.report.round !== active.round) return `wrong-round: report for round ${event.report.round}`;
  const spec = state.spec;
  if (active.phase === "lora" && spec !== undefined) {
    const components = spec.modules.reduce((sum, m) => sum + m.rank, 0);
    if (event.report.spectrum.length !== components) {
      return `bad-report: spectrum has ${event.report.spectrum.length} entries, the adapter has ${components} components`;
    }
    // A device that ran out of time before its first step sends the round's start back; averaged in, it would
    // only shrink everyone else's progress (and its 0-step compute time would make it look fast).
    if (event.report.stepsDone === 0) {
      return "no-training: 0 local steps done (the device ran out of time before its first step)";
    }
  }
  return undefined;
}

function reject(state: RunState, active: ActiveRound, member: Member, reason: string): Step<Effect> {
  return {
    state: withMember(state, active, { ...member, status: "rejected", reason }),
    effects: [
      outcome(member.clientId, active.round, "rejected", reason),
      { type: "member-status", round: active.round, clientId: member.clientId, status: "rejected", reason },
    ],
  };
}

export function withMember(state: RunState, active: ActiveRound, member: Member): RunState {
  return { ...state, active: { ...active, members: withEntry(active.members, member.clientId, member) } };
}

function outcome(clientId: string, round: number, result: "submitted" | "rejected", reason?: string): Effect {
  return { type: "outcome", clientId, round, outcome: result, ...(reason === undefined ? {} : { reason }) };
}
