// An admin's controls as events (docs/rounds.md section 8): start now, pause, resume, stop. `controlRefusal` says
// whether the run accepts an action right now; the shell asks it first to answer the admin, and `onControl` applies
// only what it accepts, so the two never disagree.
import type { ControlAction } from "@airlora/protocol";
import { closeRound } from "./close-round";
import type { Effect } from "./effects";
import { flushPending } from "./pending";
import { maybeStartRound } from "./start-round";
import { readyParticipants, type RunState, type Step } from "./state";

export interface ControlRefusal {
  readonly code: "run-over" | "stopped" | "already-started" | "paused" | "not-paused" | "below-quorum";
  readonly reason: string;
}

/** Why the run does not accept `action` now, or undefined if it does. */
export function controlRefusal(state: RunState, action: ControlAction): ControlRefusal | undefined {
  if (state.stage === "done") return { code: "run-over", reason: "the run is over" };
  if (state.stoppedAt !== undefined) return { code: "stopped", reason: "the run was stopped and is finishing" };
  if (state.stage === "finishing") {
    return { code: "run-over", reason: "the last round closed; the run is finishing" };
  }
  switch (action) {
    case "start": {
      if (!state.waitsForStart || state.active !== undefined) {
        return { code: "already-started", reason: "rounds are already running" };
      }
      if (state.paused) return { code: "paused", reason: "the run is paused: resume it instead" };
      const ready = readyParticipants(state).length;
      const { minClients } = state.config;
      if (ready < minClients) {
        return { code: "below-quorum", reason: `${ready} of the ${minClients} ready participants a round needs` };
      }
      return undefined;
    }
    case "pause":
      return state.paused ? { code: "paused", reason: "the run is already paused" } : undefined;
    case "resume":
      return state.paused ? undefined : { code: "not-paused", reason: "the run is not paused" };
    case "stop":
      return undefined;
    default:
      return action satisfies never;
  }
}

/** The actions the run accepts now (what a dashboard offers). */
export function acceptedControls(state: RunState): ControlAction[] {
  const all: ControlAction[] = ["start", "pause", "resume", "stop"];
  return all.filter((action) => controlRefusal(state, action) === undefined);
}

export function onControl(state: RunState, action: ControlAction, now: number): Step<Effect> {
  if (controlRefusal(state, action) !== undefined) return { state, effects: [] };
  switch (action) {
    case "start":
      // The first round of this process starts with the quorum instead of --start-clients.
      return maybeStartRound({ ...state, waitsForStart: false }, now);
    case "pause":
      return { state: { ...state, paused: true }, effects: [] };
    case "resume":
      return maybeStartRound({ ...state, paused: false }, now);
    case "stop":
      return stopRun(state, now);
    default:
      return action satisfies never;
  }
}

/** Closes the round in flight as its deadline would, then finishes the run once the logged lines are out. */
function stopRun(state: RunState, now: number): Step<Effect> {
  const stopping: RunState = { ...state, paused: false, stoppedAt: now };
  const closed = stopping.active === undefined ? { state: stopping, effects: [] } : closeRound(stopping, now);
  const flushed = flushPending({ ...closed.state, stage: "finishing" });
  return { state: flushed.state, effects: [...closed.effects, ...flushed.effects] };
}
