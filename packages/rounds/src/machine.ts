// The run's one transition function (docs/rounds.md): step(state, event) -> { state, effects }. Pure: no clock, no
// I/O, no mutation; the coordinator (and the simulator) feed events in and carry the effects out.
import { closeRound } from "./close-round";
import { onControl } from "./control";
import type { Effect } from "./effects";
import type { RunEvent } from "./events";
import { onDownloaded, onParticipantLeft, onParticipantReady, onProgress, onVisibility } from "./participants";
import { flushPending } from "./pending";
import { maybeStartRound } from "./start-round";
import { isTerminal, withEntry, type RunState, type Step } from "./state";
import { onSubmission, onUploadRefused } from "./submission";

export function step(state: RunState, event: RunEvent): Step<Effect> {
  switch (event.type) {
    case "participant-ready":
      return then(onParticipantReady(state, event), (s) => maybeStartRound(s, event.now));
    case "participant-left":
      return then(onParticipantLeft(state, event.clientId), (s) => closeIfComplete(s, event.now));
    case "progress":
      return onProgress(state, event);
    case "downloaded":
      return onDownloaded(state, event);
    case "visibility":
      return onVisibility(state, event);
    case "submission":
      return then(onSubmission(state, event), (s) => closeIfComplete(s, event.now));
    case "upload-refused":
      return then(onUploadRefused(state, event), (s) => closeIfComplete(s, event.now));
    case "deadline":
      return state.active?.round === event.round ? closeAndContinue(state, event.now) : { state, effects: [] };
    case "evaluated": {
      const pending = state.pending.get(event.round);
      if (pending === undefined || pending.evaluation !== undefined) return { state, effects: [] };
      const entry = {
        ...pending,
        line: { ...pending.line, separationGap: event.separationGap ?? pending.line.separationGap },
        evaluation: event.evaluation,
        ...(event.note === undefined ? {} : { note: event.note }),
      };
      return flushPending({ ...state, pending: withEntry(state.pending, event.round, entry) });
    }
    case "control":
      return onControl(state, event.action, event.now);
    default:
      return event satisfies never;
  }
}

/** Runs `next` on the state of `first` and concatenates their effects. */
function then(first: Step<Effect>, next: (state: RunState) => Step<Effect>): Step<Effect> {
  const second = next(first.state);
  return { state: second.state, effects: [...first.effects, ...second.effects] };
}

/** The round closes early once no member can still change it. */
function closeIfComplete(state: RunState, now: number): Step<Effect> {
  const active = state.active;
  if (active === undefined) return { state, effects: [] };
  const open = [...active.members.values()].some((m) => !m.plan.excluded && !isTerminal(m.status));
  return open ? { state, effects: [] } : closeAndContinue(state, now);
}

function closeAndContinue(state: RunState, now: number): Step<Effect> {
  return then(
    then(closeRound(state, now), (s) => flushPending(s)),
    (s) => maybeStartRound(s, now),
  );
}
