// The one mutable cell around the round machine (docs/rounds.md): events go in one at a time, the pure step gives
// the next state and its effects, and this file carries the effects out (sockets, timers, the evaluation worker,
// the run directory). Nothing here decides anything the machine could decide.
import {
  encodeUpdate,
  type ControlAction,
  type ControlAck,
  type IdentitySnapshot,
  type RoundLogLine,
  type RunView,
  type RunState as WireRunState,
} from "@airlora/protocol";
import {
  acceptedControls,
  controlRefusal,
  createRun,
  readyParticipants,
  step,
  type Effect,
  type RunEvent,
  type RunState,
  type RunSummary,
} from "@airlora/rounds";
import { specMetadata } from "@airlora/model";
import type { Evaluator } from "../evaluator/evaluator";
import type { Logger } from "../log";
import type { PreparedRun, Resource } from "./prepare-run";

export interface RunObservers {
  onEffect(effect: Effect, state: RunState): void;
  /** After every event, effects or not (a participant becoming ready changes what the dashboard offers). */
  onStep?(state: RunState): void;
}

/** Round deadlines: real timers live, the simulator's event clock in a simulation. */
export interface TimerPort {
  set(atMs: number, fire: () => void): unknown;
  clear(handle: unknown): void;
}

const realTimers = (now: () => number): TimerPort => ({
  set: (atMs, fire) => setTimeout(fire, Math.max(0, atMs - now())),
  clear: (handle) => {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
});

export interface EnginePorts {
  readonly now: () => number;
  /** Absent: setTimeout against `now`. */
  readonly timers?: TimerPort;
  /** Sends one message to a participant if it is connected (a no-op otherwise). */
  readonly toClient: (clientId: string, event: string, payload: unknown) => void;
  readonly toAllClients: (event: string, payload: unknown) => void;
  readonly evaluator: Evaluator;
  readonly log: Logger;
  readonly observers: RunObservers;
  /** The client identities a checkpoint saves (resume tokens as hashes only). */
  readonly identities: () => { readonly admitted: number; readonly identities: readonly IdentitySnapshot[] };
}

/** Where a resumed run stands: the restored machine and the rounds already logged. */
export interface EngineStart {
  readonly state: RunState;
  readonly lines: readonly RoundLogLine[];
}

export interface RunEngine {
  readonly run: PreparedRun;
  state(): RunState;
  dispatch(event: RunEvent): void;
  /** An admin's control: refused with the machine's reason, or fed to the machine as a `control` event. */
  control(action: ControlAction): ControlAck;
  /** The published global adapter of a round (dense fp32 codec bytes), while it is recent. */
  globalOf(round: number): Resource | undefined;
  lines(): readonly RoundLogLine[];
  summary(): RunSummary | undefined;
  view(): RunView;
  wireState(): WireRunState;
  currentRound(): number;
  close(): void;
}

/** Published globals kept for late downloads: the current round's and the one before. */
const GLOBALS_KEPT = 2;

export function createEngine(run: PreparedRun, ports: EnginePorts, start?: EngineStart): RunEngine {
  let state = start?.state ?? createRun(run.config, run.pilot);
  const queue: RunEvent[] = [];
  let busy = false;
  const timers = new Map<number, unknown>();
  const timerPort = ports.timers ?? realTimers(ports.now);
  const globals = new Map<number, Resource>();
  const lines: RoundLogLine[] = [...(start?.lines ?? [])];
  let summary: RunSummary | undefined;
  let closed = false;

  const dispatch = (event: RunEvent): void => {
    if (closed) return;
    queue.push(event);
    if (busy) return; // an effect fed an event back in: it runs after the current one
    busy = true;
    try {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const result = step(state, next);
        state = result.state;
        for (const effect of result.effects) perform(effect);
        ports.observers.onStep?.(state);
      }
    } finally {
      busy = false;
    }
  };

  function perform(effect: Effect): void {
    try {
      carryOut(effect);
    } catch (error) {
      ports.log.warn("run.effect-failed", {
        effect: effect.type,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    ports.observers.onEffect(effect, state);
  }

  function carryOut(effect: Effect): void {
    switch (effect.type) {
      case "run-started": {
        const { spec } = effect;
        run.directory.writeManifest({
          ...run.manifest,
          startedAt: new Date(ports.now()).toISOString(),
          rank: effect.rank,
          stage1: effect.stage1 ?? null,
          adapter: {
            alpha: spec.alpha,
            modules: spec.modules.map((m) => ({ name: m.name, d: m.d, k: m.k, rank: m.rank })),
            dense: spec.dense,
          },
        });
        ports.log.info("run.started", { runId: run.runId, rank: effect.rank, reason: effect.stage1?.reason });
        return;
      }
      case "start-round": {
        const encoded = encodeUpdate(
          effect.spec,
          {
            kind: "dense",
            round: effect.round,
            modules: effect.global.modules.map((m) => ({ a: m.a, b: m.b })),
            dense: effect.global.dense,
          },
          "fp32",
        );
        if (!encoded.ok) throw new Error(`encoding the global adapter: ${encoded.error.reason}`);
        const path = `/api/run/rounds/${String(effect.round)}/global.bin`;
        globals.set(effect.round, { path, bytes: encoded.value, etag: `"${run.runId}-${String(effect.round)}"` });
        for (const round of globals.keys()) if (round <= effect.round - GLOBALS_KEPT) globals.delete(round);
        for (const { clientId, assignment } of effect.assignments) {
          ports.toClient(clientId, "assignment", { ...assignment, global: { path, bytes: encoded.value.length } });
        }
        ports.log.info("round.started", {
          round: effect.round,
          phase: effect.phase,
          members: effect.assignments.length,
          excluded: effect.excluded.length,
          deadlineMs: effect.deadlineMs,
        });
        return;
      }
      case "set-timer": {
        const timer = timerPort.set(effect.atMs, () => {
          timers.delete(effect.round);
          dispatch({ type: "deadline", round: effect.round, now: ports.now() });
        });
        timers.set(effect.round, timer);
        return;
      }
      case "outcome":
        ports.toClient(effect.clientId, "outcome", {
          round: effect.round,
          outcome: effect.outcome,
          ...(effect.reason === undefined ? {} : { reason: effect.reason }),
        });
        return;
      case "member-status":
        return;
      case "round-closed": {
        const timer = timers.get(effect.round);
        if (timer !== undefined) timerPort.clear(timer);
        timers.delete(effect.round);
        ports.log.info("round.closed", { round: effect.round, aggregated: effect.aggregated });
        return;
      }
      case "evaluate": {
        const { round } = effect;
        const request = {
          spec: effect.spec,
          adapter: effect.adapter,
          ...(effect.diagnose === undefined ? {} : { diagnose: effect.diagnose }),
        };
        void ports.evaluator.evaluate(request).then((result) => {
          dispatch(
            result.ok
              ? {
                  type: "evaluated",
                  round,
                  evaluation: result.value.evaluation,
                  separationGap: result.value.separationGap,
                  now: ports.now(),
                }
              : {
                  type: "evaluated",
                  round,
                  evaluation: null,
                  note: `evaluation failed: ${result.error.reason}`,
                  now: ports.now(),
                },
          );
        });
        return;
      }
      case "checkpoint": {
        const identities = ports.identities();
        run.directory.writeCheckpoint({
          round: effect.round,
          spec: effect.spec,
          adapter: effect.adapter,
          metadata: {
            airlora_run: run.runId,
            round: String(effect.round),
            preset: run.settings.preset,
            task: run.settings.task,
            ...specMetadata(effect.spec), // rank, alpha, targets and head, so that the file describes itself
          },
          savedAt: ports.now(),
          state: {
            runId: run.runId,
            machine: effect.snapshot,
            registry: { admitted: identities.admitted, identities: [...identities.identities] },
          },
        });
        return;
      }
      case "log-round":
        lines.push(effect.line);
        run.directory.appendRound(effect.line);
        return;
      case "finished":
        summary = effect.summary;
        run.directory.writeSummary({
          runId: run.runId,
          endedAt: new Date(ports.now()).toISOString(),
          ...effect.summary,
        });
        ports.toAllClients("run-finished", { rounds: effect.summary.rounds, finalEval: effect.summary.finalEval });
        ports.log.info("run.finished", { rounds: effect.summary.rounds, runDir: run.directory.path });
        return;
      default:
        effect satisfies never;
    }
  }

  const wireState = (): WireRunState => {
    if (state.paused && state.stage !== "done") return "paused";
    switch (state.stage) {
      case "waiting":
        return "waiting";
      case "running":
      case "finishing":
        return "running";
      case "done":
        return "done";
      default:
        return state.stage satisfies never;
    }
  };
  const currentRound = (): number => state.active?.round ?? Math.max(0, state.nextRound - 1);

  return {
    run,
    state: () => state,
    dispatch,
    control: (action) => {
      const refusal = controlRefusal(state, action);
      if (refusal !== undefined) return { ok: false, code: refusal.code, reason: refusal.reason };
      ports.log.info("run.control", { action });
      dispatch({ type: "control", action, now: ports.now() });
      return { ok: true, action };
    },
    globalOf: (round) => globals.get(round),
    lines: () => lines,
    summary: () => summary,
    wireState,
    currentRound,
    view: () => ({
      runId: run.runId,
      state: wireState(),
      round: currentRound(),
      rounds: run.settings.rounds,
      task: run.settings.task,
      preset: run.settings.preset,
      rule: run.settings.rule,
      scheduler: run.settings.scheduler,
      minClients: run.settings.minClients,
      startClients: run.config.startClients,
      paused: state.paused,
      stopped: state.stoppedAt !== undefined,
      controls: acceptedControls(state),
      latencyBudgetMs: run.settings.latencyBudgetMs,
      uplinkBps: run.settings.uplinkBps,
      rank: state.rank ?? null,
      rankReason: state.stage1?.reason ?? (run.settings.rank === undefined ? null : `--rank ${run.settings.rank}`),
      virtualQueue: state.virtualQueue,
      activity: activityOf(state),
    }),
    close: () => {
      closed = true;
      for (const timer of timers.values()) timerPort.clear(timer);
      timers.clear();
    },
  };
}

function activityOf(state: RunState): string {
  const ready = readyParticipants(state).length;
  if (state.stoppedAt !== undefined && state.stage !== "done") return "stopped: waiting for the last evaluations";
  if (state.stoppedAt !== undefined) return "stopped by the admin: results and exports stay available";
  if (state.paused) {
    return state.active === undefined
      ? "paused: no round starts until resume"
      : `paused: round ${state.active.round} finishes, no new round starts until resume`;
  }
  switch (state.stage) {
    case "waiting":
      return state.waitsForStart && state.config.startClients > state.config.minClients
        ? `waiting for ${state.config.startClients} ready participants (${ready} ready; start now needs ${state.config.minClients})`
        : `waiting for ${state.config.minClients} ready participants (${ready} ready)`;
    case "running":
      return state.active === undefined
        ? "between rounds"
        : `round ${state.active.round} (${state.active.phase}): ${state.active.members.size} members`;
    case "finishing":
      return "the last round closed; waiting for its evaluation";
    case "done":
      return "done: the run is over, results and exports stay available";
    default:
      return state.stage satisfies never;
  }
}
