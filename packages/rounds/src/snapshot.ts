// A run between two rounds as plain data, and back (docs/rounds.md, "Resume"). The coordinator saves the snapshot
// of every closed round beside its adapter; `restoreRun` rebuilds a state that carries on with the next round as if
// nothing had happened, except that every participant must connect and be ready again.
import { fail, ok, validateAdapter, type AdapterState, type Result, type Stage1Record } from "@airlora/core";
import type { MachineSnapshot, RoundEvaluation } from "@airlora/protocol";
import { specForRank, type PilotRecord, type RunConfig } from "./config";
import { createRun, type Participant, type RunState } from "./state";

/** The state right after `round` closed (its pending log line is not part of it: resume starts from a logged round). */
export function snapshotRun(state: RunState, round: number, rank: number): MachineSnapshot {
  return {
    round,
    rank,
    stage1:
      state.stage1 === undefined
        ? null
        : {
            ...state.stage1,
            spectrum: [...state.stage1.spectrum],
            candidates: state.stage1.candidates.map((c) => ({ ...c })),
          },
    headFitted: state.headFitted,
    virtualQueue: state.virtualQueue,
    totals: { ...state.totals },
    startedAt: state.startedAt ?? null,
    participants: [...state.participants.values()].map((p) => ({
      clientId: p.clientId,
      backend: p.backend,
      dataWeight: p.dataWeight,
      uplinkBps: p.uplinkBps,
      msPerStep: p.msPerStep ?? null,
      downloadMs: p.downloadMs ?? null,
      spectrum: p.spectrum === undefined ? null : [...p.spectrum],
      readyAt: p.readyAt,
    })),
  };
}

export interface Restored {
  readonly snapshot: MachineSnapshot;
  /** The global adapter saved with the snapshot's round. */
  readonly global: AdapterState;
  /** The evaluation logged for that round (what a round that changes nothing reuses). */
  readonly lastEval: RoundEvaluation | null;
}

/** The run as it stood after the snapshot's round: waiting for participants, the next round being round + 1. */
export function restoreRun(config: RunConfig, pilot: PilotRecord | undefined, saved: Restored): Result<RunState> {
  const { snapshot } = saved;
  const bad = (reason: string) => fail({ code: "bad-checkpoint", reason });
  const spec = specForRank(config, snapshot.rank);
  if (spec === undefined) return bad(`the checkpoint's rank ${snapshot.rank} is not one this run may train`);
  const valid = validateAdapter(spec, saved.global);
  if (!valid.ok) return bad(`the checkpoint's adapter does not fit rank ${snapshot.rank}: ${valid.error.reason}`);
  const participants = new Map<string, Participant>();
  for (const p of snapshot.participants) {
    participants.set(p.clientId, {
      clientId: p.clientId,
      connected: false,
      backend: p.backend,
      dataWeight: p.dataWeight,
      uplinkBps: p.uplinkBps,
      msPerStep: p.msPerStep ?? undefined,
      downloadMs: p.downloadMs ?? undefined,
      spectrum: p.spectrum ?? undefined,
      readyAt: p.readyAt,
    });
  }
  const stage1: Stage1Record | undefined = snapshot.stage1 ?? undefined;
  const finished = snapshot.totals.loraRounds >= config.rounds;
  return ok({
    ...createRun(config, pilot),
    // A finished run has nothing left to start; the shell reports it instead of resuming.
    stage: finished ? "done" : "waiting",
    participants,
    rank: snapshot.rank,
    stage1,
    spec,
    global: saved.global,
    nextRound: snapshot.round + 1,
    headFitted: snapshot.headFitted,
    virtualQueue: snapshot.virtualQueue,
    lastEval: saved.lastEval,
    totals: { ...snapshot.totals },
    startedAt: snapshot.startedAt ?? undefined,
  });
}
