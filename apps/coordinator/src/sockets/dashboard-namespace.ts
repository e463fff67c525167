// The /dashboard namespace (docs/protocol.md section 7): observers holding the admin token get the whole picture on
// connect (join URL and QR code, clients, run, round history, refusals), then only changes: clients and member
// statuses batched every BATCH_MS with just the rows that changed, the run-wide refusal counts when they grew, round
// starts and round log lines as they happen. The one message an observer may send is `control` (start / pause /
// resume / stop), answered in its acknowledgement; anything else is refused and counted like on /client.
import type { Namespace } from "socket.io";
import {
  ControlRequest,
  deviceOf,
  parseMessage,
  type ClientSummary,
  type ClientsDelta,
  type ClientsSnapshot,
  type ControlAck,
  type ErrorMessage,
  type JoinInfo,
  type MemberStatuses,
  type RefusalCounts,
  type RoundHistory,
  type RoundStarted,
  type RunView,
} from "@airlora/protocol";
import type { Effect, Participant, RunState } from "@airlora/rounds";
import type { AccessGuard } from "../security/access-guard";
import type { RefusalCounter } from "../security/refusal-counter";
import { socketTokenGate } from "../security/token-gate";
import type { ClientStore } from "../clients/client-store";
import type { ClientRecord } from "../clients/registry";
import type { Logger } from "../log";
import type { RunEngine } from "../run/engine";
import { cutOffIfTooMany } from "./cut-off";

/** Changes are sent at most this often. */
export const BATCH_MS = 250;

export interface DashboardNamespaceDeps {
  readonly guard: AccessGuard;
  readonly refusals: RefusalCounter;
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
  /** The engine exists now: observers that connected while the run was being prepared (a resumed run's dashboards
   * reconnect then) got an empty round history and get the whole one now. */
  engineReady(): void;
  /** The join URL is known (once the server listens): sent to every observer now and on every later connect. */
  setJoin(join: JoinInfo): void;
  close(): void;
}

export function attachDashboardNamespace(nsp: Namespace, deps: DashboardNamespaceDeps): DashboardFeed {
  nsp.use(
    socketTokenGate(
      deps.guard,
      deps.adminToken,
      "bad-token: the admin token is missing or wrong; use the dashboard URL the coordinator printed",
      (address, code) => {
        deps.refusals.count(code);
        deps.log.warn("dashboard.rejected", { address, reason: code });
      },
    ),
  );

  const participants = (): ReadonlyMap<string, Participant> => deps.engine()?.state().participants ?? new Map();
  const view = (): RunView | undefined => deps.engine()?.view() ?? deps.preparing();
  const history = (): RoundHistory => ({ lines: [...(deps.engine()?.lines() ?? [])] });
  let sentRecords = new Map<string, ClientRecord>();
  let sentParticipants: ReadonlyMap<string, Participant> = new Map();
  let sentView = "";
  let sentRefusals = deps.refusals.read().total;
  let statuses: MemberStatuses["changes"] = [];
  let statusRound = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let join: JoinInfo | undefined;

  nsp.on("connection", (socket) => {
    if (join !== undefined) socket.emit("join-info", join);
    const registry = deps.store.get();
    const current = participants();
    socket.emit("clients", {
      clients: [...registry.clients.values()].map((c) => summaryOf(c, current.get(c.clientId))),
    } satisfies ClientsSnapshot);
    const run = view();
    if (run !== undefined) socket.emit("run", run);
    socket.emit("round-history", history());
    socket.emit("refusals", deps.refusals.read());
    let refused = 0;
    socket.on("control", (...args: unknown[]) => {
      if (!socket.connected) return;
      const ack = args.at(-1);
      const answer = (reply: ControlAck): void => {
        if (typeof ack === "function") (ack as (reply: ControlAck) => void)(reply);
      };
      const request = parseMessage(ControlRequest, args[0]);
      if (!request.ok) {
        deps.refusals.count("bad-message");
        answer({ ok: false, code: "bad-message", reason: request.error.reason });
        return;
      }
      const engine = deps.engine();
      if (engine === undefined) {
        answer({ ok: false, code: "preparing", reason: "the run is still being prepared" });
        return;
      }
      const reply = engine.control(request.value.action);
      deps.log.info("dashboard.control", {
        action: request.value.action,
        ok: reply.ok,
        ...(reply.ok ? {} : { reason: reply.reason }),
      });
      answer(reply);
      schedule();
    });
    socket.onAny((event: unknown) => {
      if (event === "control") return;
      if (!socket.connected) return; // read before the socket was cut off
      const name = typeof event === "string" ? event.slice(0, 100) : "(not a string)";
      refused += 1;
      deps.refusals.count("unknown-message");
      socket.emit("error", {
        code: "unknown-message",
        reason: `no message named "${name}" on /dashboard`,
        inReplyTo: name,
      } satisfies ErrorMessage);
      // Observers send nothing: one that keeps talking is broken or hostile, as on /client.
      cutOffIfTooMany(socket, refused, deps);
    });
    socket.on("error", (error: unknown) => {
      // socket.io's own parser refused a packet (the connection is closing); a client's "error" event is no Error.
      if (error instanceof Error) deps.refusals.count("bad-packet");
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
    const refusals = deps.refusals.read();
    if (refusals.total !== sentRefusals) {
      sentRefusals = refusals.total;
      nsp.emit("refusals", refusals satisfies RefusalCounts);
    }
    const run = view();
    const text = JSON.stringify(run);
    if (run !== undefined && text !== sentView) {
      sentView = text;
      nsp.emit("run", run);
    }
  }

  deps.store.onChange(schedule);
  deps.refusals.onChange(schedule);

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
    engineReady: () => {
      nsp.emit("round-history", history());
      schedule();
    },
    setJoin: (info) => {
      join = info;
      nsp.emit("join-info", info);
    },
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
    device: deviceOf(record.userAgent),
    joinedAt: record.joinedAt,
    lastSeenAt: record.lastSeenAt,
    invalidMessages: record.invalidMessages,
    estUplinkBps: participant?.uplinkBps ?? null,
    dataWeight: participant?.dataWeight ?? 0,
    ...(record.hidden === undefined ? {} : { hidden: record.hidden }),
  };
}
