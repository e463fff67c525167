// GET /api/state (docs/interfaces.md): the round machine's state as plain JSON, adapters left out.
import type { RunState } from "@airlora/rounds";

export function stateView(state: RunState): Record<string, unknown> {
  const active = state.active;
  return {
    stage: state.stage,
    nextRound: state.nextRound,
    rank: state.rank ?? null,
    stage1: state.stage1 ?? null,
    virtualQueue: state.virtualQueue,
    headFitted: state.headFitted,
    totals: state.totals,
    pendingRounds: [...state.pending.keys()],
    participants: [...state.participants.values()].map((p) => ({ ...p, spectrum: p.spectrum ?? null })),
    active:
      active === undefined
        ? null
        : {
            round: active.round,
            phase: active.phase,
            kind: active.kind,
            startedAt: active.startedAt,
            deadlineAt: active.deadlineAt,
            expectedLatencyMs: active.expectedLatencyMs,
            note: active.note ?? null,
            members: [...active.members.values()].map((m) => ({
              clientId: m.clientId,
              status: m.status,
              reason: m.reason ?? null,
              plan: m.plan,
              progress: m.progress ?? null,
              bytesUp: m.submission?.bytesUp ?? null,
              bytesDown: m.bytesDown,
            })),
          },
  };
}
