// The /dashboard namespace (docs/protocol.md): observers holding the admin token get the whole picture on connect
// (clients, run, round history), then only changes: clients and member statuses batched every BATCH_MS with just
// the rows that changed, round starts and round log lines as they happen. Observers send nothing; anything they
// send is refused like on /client.
import type { Namespace } from "socket.io";
import type {
  ClientSummary,
  ClientsDelta,
  ClientsSnapshot,
  ErrorMessage,
  MemberStatuses,
  RoundHistory,
  RoundStarted,
  RunView,
} from "@airlora/protocol";
import type { Effect, Participant, RunState } from "@airlora/rounds";
import type { AccessGuard } from "../security/access-guard";
import { socketTokenGate } from "../security/token-gate";
import type { ClientStore } from "../clients/client-store";
import type { ClientRecord } from "../clients/registry";
import type { Logger } from "../log";
import type { RunEngine } from "../run/engine";

/** Changes are sent at most this often. */
export const BATCH_MS = 250;

export interface DashboardNamespaceDeps {
  readonly guard: AccessGuard;
  readonly adminToken: string;
  readonly store: ClientStore;
  readonly log: Logger;
  readonly engine: () => RunEngine | undefined;
  /** What to say while the run is still being prepared. */
  readonly preparing: () => RunView | undefined;
}

export interface DashboardFeed {
  /** The engine's observer: round starts, member statuses and log lines. */
  onEffect(effect: Effect, state: RunState): void;
  /** Something outside the engine changed (the run became ready). */
  runChanged(): void;
  close(): void;
}

export function attachDashboardNamespace(nsp: Namespace, deps: DashboardNamespaceDeps): DashboardFeed {
  nsp.use(
    socketTokenGate(
      deps.guard,
      deps.adminToken,
      "bad-token: the admin token is missing or wrong; use the dashboard URL the coordinator printed",
      (address, reason) => {
        deps.log.warn("dashboard.rejected", { address, reason });
      },
    ),
  );

  const participants = (): ReadonlyMap<string, Participant> => deps.engine()?.state().participants ?? new Map();
  const view = (): RunView | undefined => deps.engine()?.view() ?? deps.preparing();
  let sentRecords = new Map<string, ClientRecord>();
  let sentParticipants: ReadonlyMap<string, Participant> = new Map();
  let sentView = "";
  let statuses: MemberStatuses["changes"] = [];
  let statusRound = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  nsp.on("connection", (socket) => {
    const registry = deps.store.get();
    const current = participants();
    socket.emit("clients", {
      clients: [...registry.clients.values()].map((c) => summaryOf(c, current.get(c.clientId))),
    } satisfies ClientsSnapshot);
    const run = view();
    if (run !== undefined) socket.emit("run", run);
    socket.emit("round-history", { lines: [...(deps.engine()?.lines() ?? [])] } satisfies RoundHistory);
    socket.onAny((event: unknown) => {
      const name = typeof event === "string" ? event.slice(0, 100) : "(not a string)";
      socket.emit("error", {
        code: "unknown-message",
        reason: `no message named "${name}" on /dashboard`,
        inReplyTo: name,
      } satisfies ErrorMessage);
    });
  });

  const schedule = (): void => {
    timer ??= setTimeout(flush, BATCH_MS);
  };

  /** Sends what changed since the last flush: records and participants are immutable, so a changed one is a new
   * object and comparing references finds it. */
  function flush(): void {
    timer = undefined;
    const registry = deps.store.get();
    const current = participants();
    const changed: ClientSummary[] = [];
    for (const [id, record] of registry.clients) {
      if (sentRecords.get(id) !== record || sentParticipants.get(id) !== current.get(id)) {
        changed.push(summaryOf(record, current.get(id)));
      }
    }
    const removed = [...sentRecords.keys()].filter((id) => !registry.clients.has(id));
    if (changed.length > 0 || removed.length > 0)
      nsp.emit("clients-delta", { changed, removed } satisfies ClientsDelta);
    sentRecords = new Map(registry.clients);
    sentParticipants = current;
    if (statuses.length > 0) {
      nsp.emit("member-statuses", { round: statusRound, changes: statuses } satisfies MemberStatuses);
      statuses = [];
    }
    const run = view();
    const text = JSON.stringify(run);
    if (run !== undefined && text !== sentView) {
      sentView = text;
      nsp.emit("run", run);
    }
  }

  deps.store.onChange(schedule);

  return {
    onEffect(effect, state) {
      switch (effect.type) {
        case "start-round": {
          flush();
          const members = [...(state.active?.members.values() ?? [])].map((m) => ({
            clientId: m.clientId,
            bandwidthShare: m.plan.bandwidthShare,
            byteBudget: m.plan.byteBudget,
            expectedLatencyMs: m.plan.expectedLatencyMs,
            excluded: m.plan.excluded,
          }));
          nsp.emit("round-started", {
            round: effect.round,
            phase: effect.phase,
            startedAt: Math.round(state.active?.startedAt ?? 0),
            deadlineMs: effect.deadlineMs,
            expectedLatencyMs: effect.expectedLatencyMs,
            members,
          } satisfies RoundStarted);
          return;
        }
        case "member-status": {
          if (effect.round !== statusRound) {
            flush();
            statusRound = effect.round;
          }
          // Only the latest status of a member in this batch matters.
          statuses = statuses.filter((s) => s.clientId !== effect.clientId);
          statuses.push({
            clientId: effect.clientId,
            status: effect.status,
            ...(effect.done === undefined ? {} : { done: effect.done }),
            ...(effect.total === undefined ? {} : { total: effect.total }),
            ...(effect.reason === undefined ? {} : { reason: effect.reason }),
          });
          schedule();
          return;
        }
        case "log-round":
          nsp.emit("round-log", effect.line);
          schedule();
          return;
        default:
          schedule();
      }
    },
    runChanged: schedule,
    close: () => {
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

function summaryOf(record: ClientRecord, participant: Participant | undefined): ClientSummary {
  return {
    clientId: record.clientId,
    connected: record.socketId !== null,
    ready: record.socketId !== null && participant?.connected === true,
    backend: record.backend,
    probe: [...record.probe],
    userAgent: record.userAgent,
    joinedAt: record.joinedAt,
    lastSeenAt: record.lastSeenAt,
    invalidMessages: record.invalidMessages,
    estUplinkBps: participant?.uplinkBps ?? null,
    dataWeight: participant?.dataWeight ?? 0,
    ...(record.hidden === undefined ? {} : { hidden: record.hidden }),
  };
}
