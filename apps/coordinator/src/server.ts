// Wires the coordinator together (docs/architecture.md): one HTTP server carrying the pages, the API, the run's
// downloads and both socket.io namespaces; the evaluation worker; and, once the run is prepared, the engine that
// drives the round machine.
import { createServer, type RequestListener, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import QRCode from "qrcode";
import { Server as SocketServer } from "socket.io";
import { fail, ok, type Result } from "@airlora/core";
import { PRESETS, adapterSpecFor, taskHead } from "@airlora/model";
import { PROTOCOL_VERSION, type Health, type RunView } from "@airlora/protocol";
import { isTerminal, type Effect, type RunState } from "@airlora/rounds";
import { coordinatorUrls } from "./announce";
import { createClientStore, type ClientStore } from "./clients/client-store";
import { connectedCount, expireAway, identitiesOf, restoreRegistry } from "./clients/registry";
import type { CoordinatorConfig } from "./config";
import { startEvaluator } from "./evaluator/evaluator";
import { adapterSafetensors } from "./export/export-adapter";
import { readRunAdapter } from "./export/run-adapter";
import { handleApi } from "./http/api";
import { watchMetrics } from "./http/metrics";
import { createPageHandler } from "./http/pages";
import { handleRunResource } from "./http/run-resources";
import { SECURITY_HEADERS } from "./http/security-headers";
import type { Logger } from "./log";
import { createEngine, type EngineStart, type RunEngine } from "./run/engine";
import { prepareRun, type PreparedRun } from "./run/prepare-run";
import type { ResumePoint } from "./run/resume";
import { resumedStart } from "./run/resume-start";
import type { RunSettings } from "./run/run-settings";
import { stateView } from "./run/state-view";
import { attachClientNamespace, type RunHooks } from "./sockets/client-namespace";
import { attachDashboardNamespace } from "./sockets/dashboard-namespace";
import { createAccessGuard, DEFAULT_ACCESS_LIMITS } from "./security/access-guard";
import { createRefusalCounter } from "./security/refusal-counter";
import { VERSION } from "./version";

export interface RunningCoordinator {
  readonly port: number;
  readonly store: ClientStore;
  /** Hears every effect the round machine asks for, after it was carried out (the CLI prints rounds from it). */
  onEffect(listener: (effect: Effect, state: RunState) => void): void;
  /** Resolves once the run is prepared (task, shards, pilot) and rounds can start, or with why it could not be. */
  readonly ready: Promise<Result<RunEngine>>;
  engine(): RunEngine | undefined;
  close(): Promise<void>;
}

/** How long a dropped socket may come back with its state (socket.io connection state recovery); away identities
 * are forgotten after it. */
const RECOVERY_WINDOW_MS = 2 * 60_000;

export async function startCoordinator(config: CoordinatorConfig, log: Logger): Promise<RunningCoordinator> {
  const settings = config.run;
  if (config.joinToken === config.adminToken) {
    throw new Error("the join token must differ from the admin token: whoever can join could run the dashboard");
  }
  const guard = createAccessGuard(config.accessLimits ?? DEFAULT_ACCESS_LIMITS);
  const refusals = createRefusalCounter();
  const store = createClientStore();
  const resume = config.resume;
  // Identities first: a participant that reconnects while the run is still being prepared keeps its clientId.
  if (resume?.checkpoint !== undefined) store.set(restoreRegistry(resume.checkpoint.state.registry, Date.now()));
  const evaluator = startEvaluator();
  let engine: RunEngine | undefined;
  let preparing = "starting the evaluation worker";
  const preparingView = (): RunView => ({
    runId: "",
    state: "idle",
    round: 0,
    rounds: settings.rounds,
    task: settings.task,
    preset: settings.preset,
    rule: settings.rule,
    scheduler: settings.scheduler,
    minClients: settings.minClients,
    startClients: settings.startClients,
    paused: false,
    stopped: false,
    controls: [],
    latencyBudgetMs: settings.latencyBudgetMs,
    uplinkBps: settings.uplinkBps,
    rank: null,
    rankReason: null,
    virtualQueue: 0,
    activity: `preparing: ${preparing}`,
  });
  const health = (): Health => ({
    ok: true,
    version: VERSION,
    state: engine?.wireState() ?? "idle",
    round: engine?.currentRound() ?? 0,
    clients: connectedCount(store.get()),
  });
  const pages = createPageHandler(config.webRoot);
  const handler: RequestListener = (req, res) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const api = {
      guard,
      health,
      adminToken: config.adminToken,
      state: () => (engine === undefined ? { stage: "preparing", activity: preparing } : stateView(engine.state())),
      rounds: () => engine?.lines() ?? [],
      metrics: () => ({ ...metrics.read(), access: guard.counters(), refusals: refusals.read() }),
      exportAdapter: (round: number | undefined) => exportLatest(engine, round),
    };
    if (handleRunResource(req, res, { guard, joinToken: config.joinToken, engine: () => engine })) return;
    if (!handleApi(req, res, api)) pages(req, res);
  };
  // One server either way: socket.io rides on it, so over TLS the sockets are wss.
  const http: HttpServer =
    config.tls === undefined
      ? createServer(handler)
      : createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, handler);
  const metrics = watchMetrics(http);
  const io = new SocketServer(http, {
    serveClient: false,
    maxHttpBufferSize: maxMessageBytes(settings),
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    // Before any namespace: an address that is backing off, or that holds its share of connections, gets no
    // engine.io session at all.
    allowRequest: (req, callback) => {
      const address = req.socket.remoteAddress ?? "unknown";
      if (guard.waitMs(address) > 0) {
        refusals.count("rate-limited");
        callback("rate-limited: too many wrong tokens from this address", false);
      } else if (!guard.hasRoom(address)) {
        refusals.count("too-many-connections");
        callback("too many connections from this address", false);
      } else callback(null, true);
    },
  });
  io.engine.on("connection", (raw: EngineConnection) => {
    const address = raw.remoteAddress;
    if (!guard.openConnection(address)) {
      refusals.count("too-many-connections");
      raw.close();
      return;
    }
    raw.once("close", (reason, description) => {
      guard.closeConnection(address);
      const refused = packetRefusal(reason, description);
      if (refused !== undefined) refusals.count(refused);
    });
  });
  // Only /client and /dashboard exist: the default namespace would take sockets that no token ever checked.
  io.of("/").use((_socket, next) => {
    refusals.count("no-namespace");
    next(new Error("no-namespace: connect to /client (participants) or /dashboard (admin)"));
  });
  let hooks: RunHooks | undefined;
  const effectListeners: ((effect: Effect, state: RunState) => void)[] = [];
  const clients = attachClientNamespace(io.of("/client"), {
    guard,
    refusals,
    joinToken: config.joinToken,
    store,
    log,
    maxClients: settings.maxClients,
    recoveryWindowMs: RECOVERY_WINDOW_MS,
    run: () => hooks,
  });
  const dashboard = attachDashboardNamespace(io.of("/dashboard"), {
    guard,
    refusals,
    adminToken: config.adminToken,
    store,
    log,
    engine: () => engine,
    preparing: preparingView,
  });
  const sweep = setInterval(() => {
    store.set(expireAway(store.get(), Date.now(), RECOVERY_WINDOW_MS).registry);
  }, 30_000);

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(config.port, config.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log.info("coordinator.listening", { host: config.host, port, version: VERSION });
  // The dashboard shows the join URL as text and as a QR code, drawn here so the page needs no QR library.
  const { join } = coordinatorUrls(
    config.host,
    port,
    config.joinToken,
    config.adminToken,
    config.tls === undefined ? "http" : "https",
  );
  dashboard.setJoin({ joinUrl: join, qrSvg: await QRCode.toString(join, { type: "svg", errorCorrectionLevel: "M" }) });

  const versions = { airlora: VERSION, protocol: String(PROTOCOL_VERSION), node: process.version };
  const onStage = (stage: string): void => {
    preparing = stage;
    log.info("run.preparing", { stage });
    dashboard.runChanged();
  };
  const ready = prepareRun(settings, evaluator, versions, onStage, resume).then((prepared): Result<RunEngine> => {
    const start = prepared.ok ? startingPoint(prepared.value, config, resume) : prepared;
    if (!prepared.ok || !start.ok) {
      const error = prepared.ok ? (start.ok ? undefined : start.error) : prepared.error;
      preparing = `failed: ${error?.reason ?? "unknown"}`;
      log.warn("run.prepare-failed", { reason: error?.reason });
      dashboard.runChanged();
      return fail(error ?? { code: "prepare-failed", reason: "unknown" });
    }
    const running = createEngine(
      prepared.value,
      {
        now: Date.now,
        toClient: (clientId, event, payload) => {
          clients.send(clientId, event, payload);
        },
        toAllClients: (event, payload) => {
          clients.broadcast(event, payload);
        },
        evaluator,
        log,
        identities: () => identitiesOf(store.get()),
        observers: {
          onEffect: (effect, state) => {
            dashboard.onEffect(effect, state);
            for (const listener of effectListeners) listener(effect, state);
          },
          onStep: () => {
            dashboard.runChanged();
          },
        },
      },
      start.value,
    );
    engine = running;
    dashboard.engineReady();
    hooks = {
      sessionFor: (client) => prepared.value.sessionInfo(client.joinIndex),
      probeBytes: settings.probeBytes,
      chunkBytes: settings.chunkBytes,
      admitUpload: (clientId, round) => {
        const active = running.state().active;
        const member = active?.members.get(clientId);
        if (active === undefined) return fail({ code: "wrong-round", reason: `round ${round} is not open` });
        if (member === undefined || member.plan.excluded) {
          return fail({ code: "not-in-round", reason: `not a member of round ${active.round}` });
        }
        if (isTerminal(member.status)) return fail({ code: member.status, reason: `already ${member.status}` });
        if (active.round !== round) {
          // A member uploading for another round is sending a stale or forged update: its part in this round ends.
          const reason = `wrong-round: an upload for round ${round} during round ${active.round}`;
          running.dispatch({ type: "upload-refused", clientId, round: active.round, reason, now: Date.now() });
          return fail({ code: "wrong-round", reason });
        }
        return ok(member.plan.byteBudget);
      },
      dispatch: (event) => {
        running.dispatch(event);
      },
    };
    log.info("run.prepared", { runId: prepared.value.runId, dir: prepared.value.directory.path });
    clients.announceSession();
    dashboard.runChanged();
    return ok(running);
  });

  return {
    port,
    store,
    ready,
    engine: () => engine,
    onEffect: (listener) => {
      effectListeners.push(listener);
    },
    close: async () => {
      clearInterval(sweep);
      metrics.stop();
      engine?.close();
      dashboard.close();
      await io.close();
      http.closeAllConnections();
      await evaluator.close();
    },
  };
}

/** A new run saves its tokens (so that a resume keeps the join URL); a resumed one drops the log lines after its
 * checkpoint and restores the machine from it, or starts over when no round was complete. */
function startingPoint(
  prepared: PreparedRun,
  config: CoordinatorConfig,
  resume: ResumePoint | undefined,
): Result<EngineStart | undefined> {
  prepared.directory.writeSecrets({ joinToken: config.joinToken, adminToken: config.adminToken });
  return resume === undefined ? ok(undefined) : resumedStart(prepared, resume);
}

/** The part of an engine.io connection the guard needs. */
interface EngineConnection {
  readonly remoteAddress: string;
  close(): void;
  once(event: "close", listener: (reason: string, description?: unknown) => void): void;
}

/** Why engine.io closed a connection, when the reason is the client's packets: a frame or engine.io packet that does
 * not parse (`bad-packet`), or a message over maxHttpBufferSize (`too-large`). Ordinary closes are no refusal. */
function packetRefusal(reason: string, description: unknown): string | undefined {
  if (reason === "parse error") return "bad-packet";
  if (reason !== "transport error" || !(description instanceof Error)) return undefined;
  if (/max payload size/iu.test(description.message)) return "too-large";
  return /invalid websocket frame|invalid utf-8/iu.test(description.message) ? "bad-packet" : undefined;
}

/** socket.io's message limit: one upload chunk, or a round report with one importance figure per component of the
 * largest adapter the run may train, plus headroom for the JSON around them. */
function maxMessageBytes(settings: RunSettings): number {
  const head = taskHead(settings.task);
  const rank = Math.max(settings.rank ?? 0, ...settings.rankCandidates);
  const spec = adapterSpecFor(PRESETS[settings.preset], { rank, targets: settings.targets, head });
  const components = spec.modules.reduce((sum, m) => sum + m.rank, 0);
  return Math.max(settings.chunkBytes, 32 * components) + 64 * 1024;
}

/** GET /api/export/adapter.safetensors: a checkpoint of this run as `airlora export` writes adapter.safetensors. */
function exportLatest(
  engine: RunEngine | undefined,
  round: number | undefined,
): Result<{ round: number; fileName: string; bytes: Uint8Array }> {
  if (engine === undefined) return fail({ code: "no-checkpoint", reason: "the run is still being prepared" });
  const adapter = readRunAdapter(engine.run.directory.path, round);
  if (!adapter.ok) return adapter;
  const fileName = `${adapter.value.runId}-round-${String(adapter.value.round).padStart(4, "0")}.safetensors`;
  return ok({ round: adapter.value.round, fileName, bytes: adapterSafetensors(adapter.value) });
}
