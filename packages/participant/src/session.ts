// ONE participant session (docs/rounds.md, docs/protocol.md): join, load model and shard, probe the uplink, then
// for every assignment download the global adapter, train, build the update, upload it in paced chunks and report.
// The browser worker, the Node participants and the simulator all run this, over their own transport and clock.
import { fail, ok, uploadRateBps, type AdapterSpec, type AdapterState, type Result } from "@airlora/core";
import {
  Assignment,
  ErrorMessage,
  PROTOCOL_VERSION,
  RoundOutcome,
  RunFinished,
  SessionInfo,
  Welcome,
  decodeUpdate,
  parseMessage,
  type Hello,
  type Progress,
  type Visibility,
  type Ready,
  type RoundReport,
} from "@airlora/protocol";
import { buildRoundUpdate } from "./build-update";
import { uploadInChunks } from "./chunked-upload";
import type { Clock } from "./clock";
import type { ParticipantCompute } from "./compute";
import { createEventStream, type SessionEvent } from "./session-events";
import type { ParticipantTransport, TransportSignal } from "./transport";

export interface IdentityStore {
  load(): string | undefined;
  save(resumeToken: string): void;
}

/** The resume token kept in memory for the session's lifetime (the shells persist it elsewhere, if at all):
 * starts at `initial`, and `onSave` hears of every new token. */
export function memoryIdentity(initial?: string, onSave?: (resumeToken: string) => void): IdentityStore {
  let token = initial;
  return {
    load: () => token,
    save: (next) => {
      token = next;
      onSave?.(next);
    },
  };
}

export interface SessionOptions {
  readonly transport: ParticipantTransport;
  readonly clock: Clock;
  readonly compute: ParticipantCompute;
  readonly identity: IdentityStore;
  /** What the hello says about this device. */
  readonly device: Pick<Hello, "backend" | "probe" | "userAgent">;
  /** Least time between two progress messages of one stage (default 2 s: progress is for the dashboard, and on a
   * small update its messages would be bytes the codec's do not count). */
  readonly progressIntervalMs?: number;
}

export interface ParticipantSession {
  /** Everything the session does, in order; ends when the run is over or the session is stopped. */
  events(): AsyncIterable<SessionEvent>;
  /** The page went into the background (or came back): told to the coordinator now and after every welcome. */
  setVisibility(hidden: boolean): void;
  stop(): void;
}

/** Time kept free at the end of a round for the upload's own uncertainty: this share of the deadline, plus a bit. */
const DEADLINE_SAFETY_SHARE = 0.1;
const DEADLINE_SAFETY_MS = 200;

export function startParticipantSession(options: SessionOptions): ParticipantSession {
  const { transport, clock, compute } = options;
  const stream = createEventStream<SessionEvent>();
  const progressIntervalMs = options.progressIntervalMs ?? 2000;
  let clientId: string | undefined;
  let info: SessionInfo | undefined;
  /** What this participant's uplink achieved (probe, then uploads), bits/s. */
  let achievedBps: number | undefined;
  let current: { round: number; signal: { aborted: boolean } } | undefined;
  /** Error feedback's carry: what the last uploaded soft or top-k update left out, and the adapter it fits. */
  let carried: { adapter: string; residual: AdapterState } | undefined;
  let queue: Promise<void> = Promise.resolve();
  let stopped = false;
  /** undefined until the shell says (Node participants have no page and never do). */
  let hidden: boolean | undefined;
  /** This connection's hello was welcomed (round messages before that are refused). */
  let welcomed = false;
  const sendVisibility = (): void => {
    if (hidden !== undefined && welcomed) transport.send("visibility", { hidden } satisfies Visibility);
  };

  const emit = (event: SessionEvent): void => {
    stream.push(event);
  };
  const problem = (code: string, reason: string): void => {
    emit({ type: "problem", code, reason });
  };
  /** Work runs one piece at a time (preparing, then rounds); a piece that fails reports and the next one runs. */
  const enqueue = (work: () => Promise<void>): void => {
    queue = queue.then(work).catch((error: unknown) => {
      problem("session-crashed", error instanceof Error ? error.message : String(error));
    });
  };
  const abortCurrent = (): void => {
    if (current !== undefined) current.signal.aborted = true;
  };

  transport.listen((signal: TransportSignal) => {
    if (stopped) return;
    switch (signal.kind) {
      case "connected": {
        welcomed = false;
        emit({ type: "connection", state: "connected" });
        const resumeToken = options.identity.load();
        const hello: Hello = {
          protocolVersion: PROTOCOL_VERSION,
          ...options.device,
          ...(resumeToken === undefined ? {} : { resumeToken }),
        };
        transport.send("hello", hello);
        return;
      }
      case "disconnected":
        // The coordinator drops us from any round in flight; finishing its work would be wasted.
        welcomed = false;
        abortCurrent();
        emit({ type: "connection", state: "disconnected", reason: signal.reason });
        if (!signal.retrying) stop();
        return;
      case "message":
        onMessage(signal.event, signal.payload);
        return;
      default:
        signal satisfies never;
    }
  });

  function onMessage(event: string, payload: unknown): void {
    switch (event) {
      case "welcome": {
        const welcome = parseMessage(Welcome, payload);
        if (!welcome.ok) {
          problem("bad-welcome", welcome.error.reason);
          return;
        }
        clientId = welcome.value.clientId;
        welcomed = true;
        options.identity.save(welcome.value.resumeToken);
        emit({ type: "joined", clientId, resumed: welcome.value.resumed });
        // Every connection starts without a word on visibility at the coordinator.
        sendVisibility();
        return;
      }
      case "session": {
        const parsed = parseMessage(SessionInfo, payload);
        if (!parsed.ok) {
          problem("bad-session", parsed.error.reason);
          return;
        }
        const session = parsed.value;
        enqueue(() => prepare(session));
        return;
      }
      case "assignment": {
        const parsed = parseMessage(Assignment, payload);
        if (!parsed.ok) {
          problem("bad-assignment", parsed.error.reason);
          return;
        }
        const receivedAt = clock.now();
        abortCurrent();
        const signal = { aborted: false };
        current = { round: parsed.value.round, signal };
        const assignment = parsed.value;
        emit({
          type: "assigned",
          round: assignment.round,
          phase: assignment.phase,
          bandwidthShare: assignment.bandwidthShare,
          paceBps: assignment.paceBps,
          byteBudget: assignment.byteBudget,
          deadlineMs: assignment.deadlineMs,
          localSteps: assignment.localSteps,
        });
        enqueue(() => runRound(assignment, receivedAt, signal));
        return;
      }
      case "outcome": {
        const parsed = parseMessage(RoundOutcome, payload);
        if (!parsed.ok) {
          problem("bad-outcome", parsed.error.reason);
          return;
        }
        if (parsed.value.outcome !== "submitted" && current?.round === parsed.value.round) abortCurrent();
        const { round, outcome, reason } = parsed.value;
        emit({ type: "outcome", round, outcome, ...(reason === undefined ? {} : { reason }) });
        return;
      }
      case "run-finished": {
        const parsed = parseMessage(RunFinished, payload);
        if (!parsed.ok) {
          problem("bad-run-finished", parsed.error.reason);
          return;
        }
        emit({ type: "finished", ...parsed.value });
        stop();
        return;
      }
      case "error": {
        const parsed = parseMessage(ErrorMessage, payload);
        if (!parsed.ok) {
          problem("bad-error", parsed.error.reason);
          return;
        }
        problem(`coordinator:${parsed.value.code}`, parsed.value.reason);
        return;
      }
      default:
        problem("unknown-message", `the coordinator sent "${event.slice(0, 100)}"`);
    }
  }

  /** Model and shard (once per run), then the join-time uplink probe, then `ready`. */
  async function prepare(session: SessionInfo): Promise<void> {
    const id = clientId;
    const started = clock.now();
    const needFiles = info?.runId !== session.runId;
    info = session;
    if (needFiles) {
      emit({ type: "preparing", stage: "model" });
      const weights = await transport.fetch(session.model.weights, id);
      const poolingCentre = await transport.fetch(session.model.poolingCentre, id);
      emit({ type: "preparing", stage: "shard" });
      const shard = await transport.fetch(session.shard.path, id);
      if (!weights.ok || !poolingCentre.ok || !shard.ok) {
        info = undefined;
        const reasons = [weights, poolingCentre, shard].flatMap((r) => (r.ok ? [] : [r.error.reason]));
        problem("download-failed", reasons.join("; "));
        return;
      }
      const loaded = compute.load(session, {
        weights: weights.value,
        poolingCentre: poolingCentre.value,
        shard: shard.value,
      });
      if (!loaded.ok) {
        info = undefined;
        problem(loaded.error.code, loaded.error.reason);
        return;
      }
    }
    const downloadMs = clock.now() - started;
    emit({ type: "preparing", stage: "probe" });
    const probe = await uploadInChunks(transport, clock, probeBytes(session.probeBytes), {
      purpose: "probe",
      round: 0,
      chunkBytes: session.chunkBytes,
      paceBps: session.uplinkBps,
      ackTimeoutMs: ackTimeoutMs(session.chunkBytes, session.uplinkBps),
    });
    if (!probe.ok) {
      problem(`probe:${probe.error.code}`, probe.error.reason);
      return;
    }
    achievedBps = uploadRateBps(session.probeBytes, probe.value.uploadMs) ?? session.uplinkBps;
    const ready: Ready = {
      probeUploadMs: probe.value.uploadMs,
      downloadMs,
      backend: options.device.backend,
    };
    transport.send("ready", ready);
    emit({ type: "ready", rows: session.shard.rows, uplinkBps: achievedBps, downloadMs });
  }

  async function runRound(assignment: Assignment, receivedAt: number, signal: { aborted: boolean }): Promise<void> {
    const session = info;
    // A function, not a property read: the signal flips from outside while this awaits.
    const aborted = (): boolean => signal.aborted;
    if (aborted()) return;
    if (session === undefined) {
      problem("not-ready", `round ${assignment.round} arrived before the model`);
      return;
    }
    const { round, phase } = assignment;
    const tell = progressTeller(round, phase);
    const spec = compute.specFor(assignment.adapter);
    if (!spec.ok) {
      problem(spec.error.code, spec.error.reason);
      return;
    }

    tell("downloading", 0, assignment.global.bytes);
    const downloadStarted = clock.now();
    const global = await downloadGlobal(assignment, spec.value);
    if (!global.ok) {
      problem(global.error.code, global.error.reason);
      return;
    }
    const downloadMs = clock.now() - downloadStarted;
    if (aborted()) return;

    const computeStarted = clock.now();
    tell("training", 0, assignment.localSteps);
    const work =
      phase === "probe"
        ? await compute.fitHead(spec.value, global.value, session.training, {
            deadlineAt: trainingDeadline(assignment, receivedAt),
            now: () => clock.now(),
            signal,
          })
        : await compute.train(spec.value, global.value, session.training, {
            steps: assignment.localSteps,
            seed: assignment.seed,
            freezeA: assignment.kind === "b-only",
            deadlineAt: trainingDeadline(assignment, receivedAt),
            now: () => clock.now(),
            signal,
            onStep: (step, steps, loss, tokensPerSec) => {
              tell("training", step, steps, loss, tokensPerSec);
            },
          });
    if (!work.ok) {
      problem(work.error.code, work.error.reason);
      return;
    }
    const computeMs = clock.now() - computeStarted;
    if (aborted()) return;

    const adapterKey = JSON.stringify(assignment.adapter);
    const carry = assignment.errorFeedback && carried?.adapter === adapterKey ? carried.residual : undefined;
    const built = buildRoundUpdate(spec.value, global.value, work.value.adapter, assignment, carry);
    if (!built.ok) {
      problem(built.error.code, built.error.reason);
      return;
    }
    const { payload } = built.value;
    tell("uploading", 0, payload.length);
    const upload = await uploadInChunks(transport, clock, payload, {
      purpose: "update",
      round,
      chunkBytes: session.chunkBytes,
      paceBps: assignment.paceBps,
      ackTimeoutMs: ackTimeoutMs(session.chunkBytes, assignment.paceBps),
      signal,
      onProgress: (sent, total) => {
        tell("uploading", sent, total);
      },
    });
    if (!upload.ok) {
      problem(`upload:${upload.error.code}`, upload.error.reason);
      return;
    }
    // Only an update that arrived moves the carry on; after a failed upload the last one stays.
    const { residual } = built.value;
    carried = assignment.errorFeedback && residual !== undefined ? { adapter: adapterKey, residual } : undefined;
    const measured = uploadRateBps(payload.length, upload.value.uploadMs);
    if (measured !== undefined && measured < 0.8 * assignment.paceBps) achievedBps = measured;
    const report: RoundReport = {
      round,
      downloadMs,
      computeMs,
      uploadMs: upload.value.uploadMs,
      stepsDone: work.value.stepsDone,
      trainLoss: work.value.meanLoss,
      // Four significant digits: the coordinator only averages these into a profile, and 17 digits of JSON per
      // component would cost more than a small update's framing.
      spectrum: phase === "probe" ? [] : built.value.spectrum.map((s) => Number(s.toPrecision(4))),
      keptRatio: built.value.keptRatio,
      energyLost: built.value.energyLost,
      peakBytes: null,
    };
    transport.send("submit", report);
    emit({ type: "reported", round, report, bytesUp: payload.length });
    emit({ type: "round", round, phase, stage: "submitted", done: payload.length, total: payload.length });
  }

  async function downloadGlobal(assignment: Assignment, spec: AdapterSpec): Promise<Result<AdapterState>> {
    const bytes = await transport.fetch(assignment.global.path, clientId);
    if (!bytes.ok) return fail({ code: "download-failed", reason: bytes.error.reason });
    if (bytes.value.length !== assignment.global.bytes) {
      return fail({
        code: "download-failed",
        reason: `the global adapter has ${bytes.value.length} bytes, the assignment said ${assignment.global.bytes}`,
      });
    }
    const decoded = decodeUpdate(spec, bytes.value, { round: assignment.round, kind: "dense" });
    if (!decoded.ok) return fail({ code: "bad-global", reason: `${decoded.error.code}: ${decoded.error.reason}` });
    const { update } = decoded.value;
    if (update.kind !== "dense") return fail({ code: "bad-global", reason: "the global adapter is not dense" });
    return ok({ modules: update.modules.map((m) => ({ a: m.a, b: m.b })), dense: update.dense });
  }

  /** Stop training in time to upload the budget at the rate this link achieves, with a margin. */
  function trainingDeadline(assignment: Assignment, receivedAt: number): number {
    const rate = Math.min(assignment.paceBps, achievedBps ?? assignment.paceBps);
    const uploadMs = (8 * assignment.byteBudget * 1000) / rate;
    const safetyMs = DEADLINE_SAFETY_SHARE * assignment.deadlineMs + DEADLINE_SAFETY_MS;
    return receivedAt + assignment.deadlineMs - uploadMs - safetyMs;
  }

  /** Local events for every step; `progress` messages to the coordinator at most every progressIntervalMs. */
  function progressTeller(round: number, phase: "probe" | "lora") {
    let lastStage: Progress["stage"] | undefined;
    let lastSentAt = -Infinity;
    return (stage: Progress["stage"], done: number, total: number, loss?: number, tokensPerSec?: number): void => {
      emit({
        type: "round",
        round,
        phase,
        stage,
        done,
        total,
        ...(loss === undefined ? {} : { loss }),
        ...(tokensPerSec === undefined ? {} : { tokensPerSec }),
      });
      const now = clock.now();
      if (stage === lastStage && now - lastSentAt < progressIntervalMs) return;
      lastStage = stage;
      lastSentAt = now;
      transport.send("progress", { round, stage, done, total } satisfies Progress);
    };
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    abortCurrent();
    stream.end();
  }

  return {
    events: () => stream.iterate(),
    setVisibility: (next) => {
      if (stopped || next === hidden) return;
      hidden = next;
      sendVisibility();
    },
    stop,
  };
}

/** Generous: four chunk-times at the paced rate, at least 15 s (a phone on a busy Wi-Fi). */
function ackTimeoutMs(chunkBytes: number, paceBps: number): number {
  return Math.max(15_000, (4 * 8 * chunkBytes * 1000) / paceBps);
}

/** Bytes that do not compress (the probe measures the link, not a compressor). */
function probeBytes(count: number): Uint8Array {
  const bytes = new Uint8Array(count);
  let x = 0x2545f491;
  for (let i = 0; i < count; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}
