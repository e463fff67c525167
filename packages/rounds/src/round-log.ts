// The round log line (docs/interfaces.md) of a closed round, before its evaluation is known.
import type { AdapterSpec } from "@airlora/core";
import { maxEncodedSize, type RoundLogClient, type RoundLogLine } from "@airlora/protocol";
import type { ActiveRound, Member, RunState } from "./state";

export interface ClosedFigures {
  readonly endedAt: number;
  readonly roundLatencyMs: number;
  readonly virtualQueue: number;
  readonly aggregated: boolean;
  readonly separationGap: number | null;
  readonly note?: string;
}

export function roundLogLine(
  state: RunState,
  active: ActiveRound,
  spec: AdapterSpec,
  figures: ClosedFigures,
): Omit<RoundLogLine, "eval"> {
  const { config } = state;
  const bytesDense = maxEncodedSize(spec, config.precision, "soft");
  const submitted = [...active.members.values()].filter((m) => m.status === "submitted").length;
  return {
    round: active.round,
    phase: active.phase,
    startedAt: Math.round(active.startedAt),
    endedAt: Math.round(figures.endedAt),
    rule: active.phase === "lora" ? config.rule : "soft",
    scheduler: config.scheduler,
    precision: config.precision,
    rank: state.rank ?? 1,
    latencyBudgetMs: config.latencyBudgetMs,
    roundLatencyMs: Math.max(0, figures.roundLatencyMs),
    expectedLatencyMs: active.expectedLatencyMs,
    deadlineMs: active.deadlineMs,
    virtualQueue: figures.virtualQueue,
    quorum: { minClients: config.minClients, submitted },
    aggregated: figures.aggregated,
    separationGap: figures.separationGap,
    ...(figures.note === undefined ? {} : { note: figures.note }),
    clients: [...active.members.values()].map((m) => clientEntry(state, m, bytesDense)),
  };
}

function clientEntry(state: RunState, member: Member, bytesDense: number): RoundLogClient {
  const participant = state.participants.get(member.clientId);
  const report = member.submission?.report;
  return {
    id: member.clientId,
    status: member.plan.excluded ? "excluded" : member.status === "submitted" ? "submitted" : outcomeOf(member),
    ...(member.reason === undefined ? {} : { reason: member.reason }),
    backend: participant?.backend ?? null,
    dataWeight: participant?.dataWeight ?? 0,
    bandwidthShare: member.plan.bandwidthShare,
    byteBudget: member.plan.byteBudget,
    excluded: member.plan.excluded,
    expectedLatencyMs: member.plan.expectedLatencyMs,
    keptRatio: report?.keptRatio ?? null,
    energyLost: report?.energyLost ?? null,
    stepsDone: report?.stepsDone ?? null,
    trainLoss: report?.trainLoss ?? null,
    bytesUp: member.submission?.bytesUp ?? 0,
    bytesDown: member.bytesDown,
    bytesDense,
    downloadMs: report?.downloadMs ?? null,
    computeMs: report?.computeMs ?? null,
    uploadMs: report?.uploadMs ?? null,
    estUplinkBps: member.plan.estUplinkBps,
    ...(member.submission?.clip === undefined
      ? {}
      : { updateNorm: member.submission.clip.norm, clipScale: member.submission.clip.scale }),
    ...(member.hidden === true ? { hidden: true } : {}),
  };
}

function outcomeOf(member: Member): "late" | "dropped" | "rejected" {
  switch (member.status) {
    case "dropped":
    case "rejected":
    case "late":
      return member.status;
    default:
      // Still working when the log is written means the round closed without it.
      return "late";
  }
}
