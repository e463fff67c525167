// Participants coming, going and reporting progress (docs/rounds.md). A participant counts towards the quorum once
// it has probed its uplink and loaded model and shard; leaving mid-round drops it from that round.
import { ewma } from "@airlora/core";
import type { Effect } from "./effects";
import type { RunEvent } from "./events";
import { withMember } from "./submission";
import { isTerminal, withEntry, type Participant, type RunState, type Step } from "./state";

type ReadyEvent = Extract<RunEvent, { type: "participant-ready" }>;

export function onParticipantReady(state: RunState, event: ReadyEvent): Step<Effect> {
  const known = state.participants.get(event.clientId);
  const probe = Math.max(1, event.probeUplinkBps);
  const participant: Participant =
    known === undefined
      ? {
          clientId: event.clientId,
          connected: true,
          backend: event.backend,
          dataWeight: event.dataWeight,
          uplinkBps: probe,
          msPerStep: undefined,
          downloadMs: undefined,
          spectrum: undefined,
          readyAt: event.now,
          ...(event.hidden === undefined ? {} : { hidden: event.hidden }),
        }
      : {
          ...known,
          connected: true,
          backend: event.backend,
          dataWeight: event.dataWeight,
          uplinkBps: ewma(known.uplinkBps, probe),
          ...(event.hidden === undefined ? {} : { hidden: event.hidden }),
        };
  return { state: { ...state, participants: withEntry(state.participants, event.clientId, participant) }, effects: [] };
}

/** Remembers whether its page is hidden; a member still working in the round is marked for the round log. */
export function onVisibility(state: RunState, event: Extract<RunEvent, { type: "visibility" }>): Step<Effect> {
  const known = state.participants.get(event.clientId);
  if (known === undefined) return { state, effects: [] };
  const next: RunState = {
    ...state,
    participants: withEntry(state.participants, event.clientId, { ...known, hidden: event.hidden }),
  };
  const active = next.active;
  const member = active?.members.get(event.clientId);
  if (!event.hidden || active === undefined || member === undefined || isTerminal(member.status)) {
    return { state: next, effects: [] };
  }
  return { state: withMember(next, active, { ...member, hidden: true }), effects: [] };
}

export function onParticipantLeft(state: RunState, clientId: string): Step<Effect> {
  const known = state.participants.get(clientId);
  if (known === undefined) return { state, effects: [] };
  let next: RunState = {
    ...state,
    participants: withEntry(state.participants, clientId, { ...known, connected: false }),
  };
  const active = next.active;
  const member = active?.members.get(clientId);
  if (active === undefined || member === undefined || member.plan.excluded || isTerminal(member.status)) {
    return { state: next, effects: [] };
  }
  const reason = `left while ${member.status}`;
  next = withMember(next, active, { ...member, status: "dropped", reason });
  return {
    state: next,
    effects: [{ type: "member-status", round: active.round, clientId, status: "dropped", reason }],
  };
}

export function onProgress(state: RunState, event: Extract<RunEvent, { type: "progress" }>): Step<Effect> {
  const active = state.active;
  const member = active?.members.get(event.clientId);
  if (active?.round !== event.progress.round || member === undefined || isTerminal(member.status)) {
    return { state, effects: [] };
  }
  if (member.plan.excluded) return { state, effects: [] };
  const { stage, done, total } = event.progress;
  const trainingSince = member.trainingSince ?? (stage === "training" ? event.now : undefined);
  return {
    state: withMember(state, active, {
      ...member,
      status: stage,
      progress: { done, total },
      ...(trainingSince === undefined ? {} : { trainingSince }),
    }),
    effects: [{ type: "member-status", round: active.round, clientId: event.clientId, status: stage, done, total }],
  };
}

export function onDownloaded(state: RunState, event: Extract<RunEvent, { type: "downloaded" }>): Step<Effect> {
  const active = state.active;
  const member = active?.members.get(event.clientId);
  if (active === undefined || member === undefined) return { state, effects: [] };
  return { state: withMember(state, active, { ...member, bytesDown: member.bytesDown + event.bytes }), effects: [] };
}
