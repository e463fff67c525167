// What the join page shows, as a pure fold over the worker's replies: connection, backend choice, what was
// downloaded at join (and whether from the cache), and one entry per round with its progress, bytes, share, budget
// and energy kept. The page renders this; tests feed it replies.
import type { BackendName, MemberOutcome, RoundEvaluation } from "@airlora/protocol";
import type { BackendRow } from "@airlora/model";
import type { WorkerReply } from "../worker/messages";

export type Connection =
  | { readonly kind: "choosing" }
  | { readonly kind: "connecting" }
  | { readonly kind: "joined"; readonly resumed: boolean }
  | { readonly kind: "reconnecting"; readonly reason: string }
  /** The coordinator will not take this participant (or stopped it): `advice` says what to do. */
  | { readonly kind: "refused"; readonly reason: string; readonly advice: string }
  | { readonly kind: "finished"; readonly rounds: number }
  | { readonly kind: "no-backend" }
  | { readonly kind: "crashed"; readonly reason: string };

/** Where a round stands: the session's stages (`uploaded`: the update is in, the outcome not yet), then the
 * coordinator's outcome. */
export type RoundStage = "assigned" | "downloading" | "training" | "uploading" | "uploaded" | MemberOutcome;

export interface RoundView {
  readonly round: number;
  readonly phase: "probe" | "lora";
  readonly stage: RoundStage;
  readonly bandwidthShare: number;
  readonly paceBps: number;
  readonly byteBudget: number;
  readonly deadlineMs: number;
  readonly step: number;
  readonly steps: number;
  readonly loss?: number;
  readonly tokensPerSec?: number;
  /** The global adapter (bytes received for this round). */
  readonly bytesDown: number;
  /** The encoded update (bytes sent), once uploaded. */
  readonly bytesUp?: number;
  readonly uploadDone?: number;
  /** 1 - energy lost by sparsification, once reported. */
  readonly energyKept?: number;
  readonly reason?: string;
  /** The page was hidden at some time during the round. */
  readonly hidden: boolean;
}

export interface JoinDownloads {
  readonly networkBytes: number;
  readonly cacheBytes: number;
  readonly files: readonly { readonly what: string; readonly bytes: number; readonly fromCache: boolean }[];
}

export interface ParticipantView {
  readonly connection: Connection;
  readonly clientId?: string;
  /** undefined while choosing. */
  readonly backend?: BackendName | null;
  readonly backends: readonly BackendRow[];
  /** What the session is doing between rounds, in words. */
  readonly activity: string;
  readonly cache?: { readonly available: boolean; readonly reason?: string };
  readonly join: JoinDownloads;
  readonly rounds: readonly RoundView[];
  readonly problems: readonly { readonly code: string; readonly reason: string }[];
  readonly finalEval?: RoundEvaluation | null;
  readonly hidden: boolean;
}

export const initialView: ParticipantView = {
  connection: { kind: "choosing" },
  backends: [],
  activity: "testing this device's compute backends (a short LoRA step on each)…",
  join: { networkBytes: 0, cacheBytes: 0, files: [] },
  rounds: [],
  problems: [],
  hidden: false,
};

/** Rounds shown on the page: the latest few (a long run would otherwise grow the page without end). */
const ROUNDS_KEPT = 20;
const PROBLEMS_KEPT = 5;

export function nextView(view: ParticipantView, reply: WorkerReply): ParticipantView {
  switch (reply.type) {
    case "backend":
      return reply.backend === null
        ? { ...view, backend: null, backends: reply.rows, connection: { kind: "no-backend" }, activity: "stopped" }
        : {
            ...view,
            backend: reply.backend,
            backends: reply.rows,
            connection: { kind: "connecting" },
            activity: "connecting to the coordinator…",
          };
    case "identity":
      return view;
    case "cache":
      return {
        ...view,
        cache: { available: reply.available, ...(reply.reason === undefined ? {} : { reason: reply.reason }) },
      };
    case "download":
      return onDownload(view, reply);
    case "event":
      return onEvent(view, reply.event);
    case "ended":
      return view.connection.kind === "refused" ||
        view.connection.kind === "finished" ||
        view.connection.kind === "crashed"
        ? view
        : {
            ...view,
            connection: {
              kind: "refused",
              reason: "the session ended",
              advice: "Reload the page to join again.",
            },
            activity: "stopped",
          };
    case "failed":
      return {
        ...view,
        connection: { kind: "crashed", reason: `${reply.code}: ${reply.reason}` },
        activity: "stopped",
      };
    default:
      return reply satisfies never;
  }
}

/** Marks the page hidden or visible; a round in progress remembers that it was hidden. */
export function withVisibility(view: ParticipantView, hidden: boolean): ParticipantView {
  if (!hidden) return { ...view, hidden };
  return { ...view, hidden, rounds: view.rounds.map((r) => (isOpen(r) ? { ...r, hidden: true } : r)) };
}

export function isOpen(round: RoundView): boolean {
  return ["assigned", "downloading", "training", "uploading", "uploaded"].includes(round.stage);
}

/** A round is training (or about to): the page keeps the screen on. */
export function isWorking(view: ParticipantView): boolean {
  return view.rounds.some((r) => isOpen(r) && r.stage !== "uploaded");
}

type Event = Extract<WorkerReply, { type: "event" }>["event"];

function onEvent(view: ParticipantView, event: Event): ParticipantView {
  switch (event.type) {
    case "connection":
      // A refusal or the run's end is the last word; the socket closing after it is not news.
      if (view.connection.kind === "refused" || view.connection.kind === "finished") return view;
      if (event.state === "connected") return { ...view, connection: { kind: "connecting" } };
      return (
        refusal(event.reason ?? "disconnected") ?? {
          ...view,
          connection: { kind: "reconnecting", reason: event.reason ?? "connection lost" },
          activity: "connection lost: retrying…",
        }
      );
    case "joined":
      return {
        ...view,
        clientId: event.clientId,
        connection: { kind: "joined", resumed: event.resumed },
        activity: "joined",
      };
    case "preparing":
      return { ...view, activity: PREPARING[event.stage] };
    case "ready":
      return {
        ...view,
        activity: `ready: ${String(event.rows)} training rows, uplink ${(event.uplinkBps / 1e6).toFixed(2)} Mbit/s; waiting for a round`,
      };
    case "assigned": {
      const round: RoundView = {
        round: event.round,
        phase: event.phase,
        stage: "assigned",
        bandwidthShare: event.bandwidthShare,
        paceBps: event.paceBps,
        byteBudget: event.byteBudget,
        deadlineMs: event.deadlineMs,
        step: 0,
        steps: event.phase === "probe" ? 0 : event.localSteps,
        bytesDown: 0,
        hidden: view.hidden,
      };
      return {
        ...view,
        activity: `round ${String(event.round)}`,
        rounds: [...view.rounds.filter((r) => r.round !== event.round), round].slice(-ROUNDS_KEPT),
      };
    }
    case "round":
      return withRound(view, event.round, (r) => {
        switch (event.stage) {
          case "training":
            return {
              ...r,
              stage: "training",
              step: event.done,
              steps: event.total,
              ...(event.loss === undefined ? {} : { loss: event.loss }),
              ...(event.tokensPerSec === undefined ? {} : { tokensPerSec: event.tokensPerSec }),
            };
          case "uploading":
            return { ...r, stage: "uploading", uploadDone: event.done };
          case "downloading":
            return { ...r, stage: "downloading" };
          case "submitted":
            return { ...r, stage: isOpen(r) ? "uploaded" : r.stage, uploadDone: event.done };
          default:
            return event satisfies never;
        }
      });
    case "reported":
      return withRound(view, event.round, (r) => ({
        ...r,
        bytesUp: event.bytesUp,
        energyKept: 1 - event.report.energyLost,
        ...(event.report.trainLoss === null ? {} : { loss: event.report.trainLoss }),
      }));
    case "outcome":
      return {
        ...withRound(view, event.round, (r) => ({
          ...r,
          stage: event.outcome,
          ...(event.reason === undefined ? {} : { reason: event.reason }),
        })),
        activity: `round ${String(event.round)} ${event.outcome}; waiting for the next round`,
      };
    case "problem": {
      const refused = event.code.startsWith("coordinator:")
        ? refusal(`${event.code.slice(12)}: ${event.reason}`)
        : undefined;
      const problems = [...view.problems, { code: event.code, reason: event.reason }].slice(-PROBLEMS_KEPT);
      return { ...(refused ?? view), problems };
    }
    case "finished":
      return {
        ...view,
        connection: { kind: "finished", rounds: event.rounds },
        activity: "the run is over: you can close this tab",
        finalEval: event.finalEval,
      };
    default:
      return event satisfies never;
  }

  function refusal(reason: string): ParticipantView | undefined {
    const advice = adviceFor(reason);
    return advice === undefined
      ? undefined
      : { ...view, connection: { kind: "refused", reason, advice }, activity: "stopped" };
  }
}

/** What a person can do about a refusal; undefined for a passing trouble that retries by itself. */
export function adviceFor(reason: string): string | undefined {
  const code = /^([a-z-]+):/u.exec(reason)?.[1];
  switch (code) {
    case "bad-token":
      return "This page's join token was refused. Open the join URL or scan the QR code the coordinator printed again (a token from an earlier run no longer works).";
    case "rate-limited":
      return "Too many wrong tokens came from this network address. Wait the time above, then open the join URL or scan the QR code again.";
    case "full":
      return "The coordinator already holds as many participants as it allows. Ask whoever runs it to raise --max-clients, or try again later.";
    case "protocol-version":
      return "This page is older than the coordinator. Reload the page.";
    case "replaced":
      return "This participant joined again from another tab or window, which carries on. You can close this one.";
    case "too-many-errors":
      return "The coordinator stopped listening to this page after too many refused messages. Reload the page; if it happens again, tell whoever runs the coordinator.";
    default:
      return undefined;
  }
}

const PREPARING = {
  model: "downloading the base model…",
  shard: "downloading this device's data shard…",
  probe: "measuring the uplink…",
} as const;

function onDownload(view: ParticipantView, d: { path: string; bytes: number; fromCache: boolean }): ParticipantView {
  const round = /^\/api\/run\/rounds\/(\d+)\/global\.bin$/u.exec(d.path)?.[1];
  if (round !== undefined) return withRound(view, Number(round), (r) => ({ ...r, bytesDown: r.bytesDown + d.bytes }));
  const what = d.path.includes("/shards/") ? "shard" : (d.path.split("/").pop() ?? d.path);
  return {
    ...view,
    join: {
      networkBytes: view.join.networkBytes + (d.fromCache ? 0 : d.bytes),
      cacheBytes: view.join.cacheBytes + (d.fromCache ? d.bytes : 0),
      files: [...view.join.files, { what, bytes: d.bytes, fromCache: d.fromCache }].slice(-6),
    },
  };
}

function withRound(view: ParticipantView, round: number, change: (r: RoundView) => RoundView): ParticipantView {
  if (!view.rounds.some((r) => r.round === round)) return view;
  return { ...view, rounds: view.rounds.map((r) => (r.round === round ? change(r) : r)) };
}
