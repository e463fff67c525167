// Round log lines wait for their evaluations, which the shell runs off the event loop while the next round goes on.
// Lines leave in round order; a round that did not change the global adapter takes the evaluation before it.
import type { Effect } from "./effects";
import type { PendingLine, RunState, Step } from "./state";
import { withEntry, withoutEntry } from "./state";

export function withPending(state: RunState, round: number, pending: PendingLine): RunState {
  return { ...state, pending: withEntry(state.pending, round, pending) };
}

/** Emits every line whose evaluation is known, lowest round first, up to the first one still waiting. */
export function flushPending(state: RunState): Step<Effect> {
  const effects: Effect[] = [];
  let next = state;
  for (const round of [...state.pending.keys()].sort((a, b) => a - b)) {
    const entry = next.pending.get(round);
    if (entry === undefined) continue;
    const evaluation = entry.reusesPrevious ? next.lastEval : entry.evaluation;
    if (evaluation === undefined) break;
    const note = [entry.line.note, entry.note].filter((n) => n !== undefined).join("; ");
    effects.push({
      type: "log-round",
      line: { ...entry.line, eval: evaluation, ...(note === "" ? {} : { note }) },
    });
    next = {
      ...next,
      pending: withoutEntry(next.pending, round),
      lastEval: evaluation ?? next.lastEval,
    };
  }
  return finishIfDone(next, effects);
}

/** After the last round, once every line is out, the run is done. */
function finishIfDone(state: RunState, effects: Effect[]): Step<Effect> {
  if (state.stage !== "finishing" || state.pending.size > 0) return { state, effects };
  const { totals, config } = state;
  return {
    state: { ...state, stage: "done" },
    effects: [
      ...effects,
      {
        type: "finished",
        summary: {
          rounds: totals.loraRounds,
          finalEval: state.lastEval,
          bytesUp: totals.bytesUp,
          bytesDense: totals.bytesDense,
          meanRoundLatencyMs: totals.loraRounds === 0 ? 0 : totals.latencyMsSum / totals.loraRounds,
          latencyBudgetMs: config.latencyBudgetMs,
          virtualQueue: state.virtualQueue,
        },
      },
    ],
  };
}
