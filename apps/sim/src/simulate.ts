// `airlora simulate` (docs/simulator.md): N virtual participants run the participant session over an in-memory
// transport and the seeded wireless channel, on the event clock, against the same run preparation, engine and
// evaluation worker as `airlora start`. One run directory per seed, in the live format.
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {
  createEngine,
  prepareRun,
  resumedStart,
  runSettings,
  silentLogger,
  startEvaluator,
  VERSION,
  withFaults,
  CONNECTION_FAULT_KINDS,
  type Evaluator,
  type IndexedFault,
  type RunEngine,
  type ResumePoint,
  type RunFlags,
} from "@airlora/coordinator";
import {
  CHANNEL_SCENARIO_NAMES,
  createChannel,
  fail,
  ok,
  scenarioConfig,
  type ChannelConfig,
  type ChannelScenario,
  type Result,
} from "@airlora/core";
import { SOTU_PRESIDENTS } from "@airlora/model";
import { PROTOCOL_VERSION, type RoundLogLine } from "@airlora/protocol";
import { createTfjsCompute, memoryIdentity, startParticipantSession } from "@airlora/participant";
import type { RunSummary } from "@airlora/rounds";
import { z } from "zod";
import { createEventClock } from "./event-clock";
import { startComputePool } from "./compute-pool";
import { createMemoryHub } from "./memory-hub";
import { sharedModels } from "./shared-models";
import { timedCompute } from "./timed-compute";
import { virtualLink } from "./virtual-link";

export interface SimulationOptions {
  readonly clients: number;
  readonly scenario: ChannelScenario;
  /** Overrides the scenario's band, Hz. */
  readonly bandwidthHz: number | undefined;
  /** A local step on the median device, ms (devices differ by the channel's log-normal speed factor). */
  readonly stepMs: number;
  readonly downlinkBps: number;
  readonly latencyMs: number;
  /** Training threads (participant n trains on thread n mod threads); 0 trains in this thread. */
  readonly threads: number;
  /** The run's flags, as `airlora start` takes them; the seed is set per run. */
  readonly flags: RunFlags;
  /** The whole channel configuration, instead of the scenario's and the band (a resumed run's, as recorded). */
  readonly channel?: ChannelConfig;
  /** Participants that leave (`disconnect`) or stop answering (`silent`) in a given round (docs/simulator.md
   * section 4): the same transport wrapper as `airlora clients --fault`, on the event clock. */
  readonly faults?: readonly IndexedFault[];
}

export interface SimulationProgress {
  (
    event: { readonly kind: "stage"; readonly text: string } | { readonly kind: "round"; readonly line: RoundLogLine },
  ): void;
}

export interface SimulatedRun {
  readonly runDir: string;
  readonly summary: RunSummary;
  /** Simulated seconds from the first participant's join to the run's end. */
  readonly simulatedSec: number;
  readonly wallSec: number;
}

/** The machine's linear model needs a shared uplink W in bits/s: the band at 2 bit/s/Hz, about the median
 * client's spectral efficiency at an equal share in the design's cell (docs/simulator.md). */
const PLANNING_BITS_PER_HZ = 2;

/** The coordinator's evaluation of a round's global adapter takes this much simulated time; for real it runs in its
 * worker thread alongside the next round's training, and time waits for it only if it is not done by then. */
const EVALUATION_MS = 1000;

export async function simulate(
  options: SimulationOptions,
  seed: number,
  progress: SimulationProgress = () => undefined,
): Promise<Result<SimulatedRun>> {
  return runSimulation(options, seed, progress, undefined);
}

/** Carries on a simulated run from its last complete checkpoint (docs/simulator.md section 6): its own settings,
 * channel and devices from the manifest; the virtual participants rejoin as the same clients (their ids are their
 * indices). `threads` may differ: where a participant trains does not change what it computes. */
export async function resumeSimulation(
  resume: ResumePoint,
  threads: number,
  progress: SimulationProgress = () => undefined,
): Promise<Result<SimulatedRun>> {
  const recorded = recordedOptions(resume, threads);
  if (!recorded.ok) return recorded;
  return runSimulation(recorded.value, resume.settings.seed, progress, resume);
}

async function runSimulation(
  options: SimulationOptions,
  seed: number,
  progress: SimulationProgress,
  resume: ResumePoint | undefined,
): Promise<Result<SimulatedRun>> {
  const started = Date.now();
  const faults = options.faults ?? [];
  const badFault = faults.find(
    (f) => f.index >= options.clients || !(CONNECTION_FAULT_KINDS as readonly string[]).includes(f.fault.kind),
  );
  if (badFault !== undefined) {
    return fail({
      code: "bad-fault",
      reason: `fault ${String(badFault.index)}:${badFault.fault.kind}: participants are 0..${String(options.clients - 1)} and a simulated one can ${CONNECTION_FAULT_KINDS.join(" or ")}`,
    });
  }
  if (!(await tf.setBackend("wasm"))) return fail({ code: "no-backend", reason: "tfjs wasm does not initialise" });
  const overrides = options.channel ?? {
    ...scenarioConfig(options.scenario, options.clients),
    ...(options.bandwidthHz === undefined ? {} : { bandwidthHz: options.bandwidthHz }),
  };
  const channel = createChannel(overrides, seed);
  if (!channel.ok) return channel;
  const settings =
    resume !== undefined
      ? ok(resume.settings)
      : runSettings({
          uplinkBps: PLANNING_BITS_PER_HZ * channel.value.config.bandwidthHz,
          minClients: Math.max(1, Math.ceil(options.clients / 2)),
          ...options.flags,
          startClients: options.clients,
          // A shard per participant; sotu has a shard per president at most, so beyond that participants share shards
          // round robin, as live.
          shards:
            (options.flags.task ?? "spam") === "sotu" ? Math.min(options.clients, SOTU_PRESIDENTS) : options.clients,
          maxClients: options.clients,
          seed,
        });
  if (!settings.ok) return settings;
  const evaluator = startEvaluator();
  // A resumed run's time carries on from its checkpoint's.
  const clock = createEventClock(resume?.checkpoint?.state.savedAt ?? started);
  const tracked: Evaluator = {
    prepare: (request) => evaluator.prepare(request),
    evaluate: (request) => clock.dueAfter(EVALUATION_MS, evaluator.evaluate(request)),
    close: () => evaluator.close(),
  };
  const models = sharedModels();
  const pool = options.threads > 0 ? startComputePool(options.threads) : undefined;
  const stops: (() => void)[] = [];
  try {
    const versions = { airlora: VERSION, protocol: String(PROTOCOL_VERSION), node: process.version };
    const prepared = await prepareRun(
      settings.value,
      evaluator,
      versions,
      (text) => {
        progress({ kind: "stage", text });
      },
      resume,
    );
    if (!prepared.ok) return prepared;
    // The pilot's step time is this machine's wall clock; the run's devices are the simulated ones, and a seed must
    // replay exactly, so the machine's prior for compute time is the reference device's step.
    const pilot =
      prepared.value.pilot === undefined ? undefined : { ...prepared.value.pilot, msPerStep: options.stepMs };
    // A resumed run keeps its manifest, pilot and simulation block as they were.
    const run =
      resume !== undefined
        ? prepared.value
        : {
            ...prepared.value,
            pilot,
            manifest: {
              ...prepared.value.manifest,
              pilot: pilot ?? null,
              simulation: describe(options, channel.value.config),
            },
          };
    const start = resume === undefined ? ok(undefined) : resumedStart(run, resume);
    if (!start.ok) return start;
    // The hub asks for the engine only once events flow, after it exists.
    const hub = createMemoryHub(clock, run, options.clients, (): RunEngine | undefined => engine);
    const engine = createEngine(
      run,
      {
        now: () => clock.now(),
        timers: {
          set: (atMs, fire) => clock.at(atMs, fire),
          clear: (handle) => {
            clock.cancel(handle as number);
          },
        },
        toClient: (clientId, event, payload) => {
          hub.toClient(clientId, event, payload);
        },
        toAllClients: (event, payload) => {
          hub.toAllClients(event, payload);
        },
        evaluator: tracked,
        log: silentLogger,
        identities: () => ({ admitted: options.clients, identities: [] }),
        observers: {
          onEffect: (effect) => {
            if (effect.type === "log-round") progress({ kind: "round", line: effect.line });
          },
        },
      },
      start.value,
    );
    progress({ kind: "stage", text: `${String(options.clients)} virtual participants joining` });
    const problems: string[] = [];
    for (let index = 0; index < options.clients; index += 1) {
      const link = virtualLink(channel.value, index, {
        downlinkBps: options.downlinkBps,
        latencyMs: options.latencyMs,
      });
      const own = faults.filter((f) => f.index === index).map((f) => f.fault);
      const session = startParticipantSession({
        transport: withFaults(hub.connect(index, link), own, clock),
        clock,
        compute: timedCompute(pool?.computeFor(index) ?? createTfjsCompute(models), clock, {
          stepMs: options.stepMs,
          speed: link.computeSpeed,
        }),
        identity: memoryIdentity(),
        device: { backend: "wasm", probe: [{ backend: "wasm", ok: true, ms: 0 }], userAgent: "airlora-sim" },
      });
      stops.push(() => {
        session.stop();
      });
      void (async () => {
        for await (const event of session.events()) {
          if (event.type === "problem") problems.push(`participant ${String(index)}: ${event.code}: ${event.reason}`);
        }
      })();
    }
    const joinedAt = clock.now();
    const done = await clock.run(() => engine.summary() !== undefined || hub.failure() !== undefined);
    const failure = hub.failure();
    if (failure !== undefined) return fail({ code: "sim-protocol", reason: failure });
    const summary = engine.summary();
    if (!done || summary === undefined) {
      const why = problems.slice(0, 3).join("; ");
      return fail({
        code: "sim-stalled",
        reason: `nothing left to happen before the run ended${why ? `: ${why}` : ""}`,
      });
    }
    engine.close();
    return ok({
      runDir: run.directory.path,
      summary,
      simulatedSec: (clock.now() - joinedAt) / 1000,
      wallSec: (Date.now() - started) / 1000,
    });
  } finally {
    for (const stop of stops) stop();
    models.dispose();
    await pool?.close();
    await evaluator.close();
  }
}

/** The manifest's record of a simulated run (`describe`), read back for a resume. */
const RecordedSimulation = z.object({
  clients: z.number().int().positive(),
  scenario: z.enum(CHANNEL_SCENARIO_NAMES as [ChannelScenario, ...ChannelScenario[]]),
  channel: z.record(z.string(), z.number()),
  stepMs: z.number().positive(),
  downlinkBps: z.number().positive(),
  latencyMs: z.number().nonnegative(),
  // Runs recorded before faults existed had none.
  faults: z
    .array(
      z.object({
        index: z.number().int().nonnegative(),
        fault: z.object({ kind: z.enum(CONNECTION_FAULT_KINDS), round: z.number().int().nonnegative() }),
      }),
    )
    .default([]),
});

function recordedOptions(resume: ResumePoint, threads: number): Result<SimulationOptions> {
  const recorded = RecordedSimulation.safeParse(resume.manifest.simulation);
  if (!recorded.success) {
    return fail({
      code: "not-simulated",
      reason: `${resume.runDir}: manifest.json has no readable simulation block (${recorded.error.issues[0]?.message ?? "missing"}); resume a live run with airlora start --resume`,
    });
  }
  const { clients, scenario, channel, stepMs, downlinkBps, latencyMs, faults } = recorded.data;
  return ok({
    clients,
    scenario,
    bandwidthHz: undefined,
    stepMs,
    downlinkBps,
    latencyMs,
    threads,
    flags: resume.settings,
    channel: channel as Partial<ChannelConfig> as ChannelConfig,
    faults,
  });
}

/** What the manifest records of the simulation, so that a run directory says which scenario made its figures. */
function describe(options: SimulationOptions, channel: ChannelConfig): Record<string, unknown> {
  return {
    clients: options.clients,
    scenario: options.scenario,
    channel,
    stepMs: options.stepMs,
    threads: options.threads,
    downlinkBps: options.downlinkBps,
    latencyMs: options.latencyMs,
    faults: options.faults ?? [],
    planningBitsPerHz: PLANNING_BITS_PER_HZ,
    evaluationMs: EVALUATION_MS,
  };
}
