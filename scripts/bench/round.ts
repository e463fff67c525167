// `npm run bench -- round`: what a federated round costs beyond the training it carries. A coordinator in a child
// process (`airlora start`, nano, spam, SOFT + TSFA) and 4, then 16 Node participants in worker threads of this
// process on loopback. Per round: latency, the engine's overhead (latency minus the slowest member's own download,
// compute and upload time), the coordinator's CPU time and event-loop lag; per run: bytes on the wire against the
// codec's bytes, with what the difference is made of; then the participant's peak tensor memory of one training step.
// Flags: --quick (fewer rounds and steps, nano only for memory).
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { PARTICIPANT_TRAINING, PRESETS, benchParticipantStep } from "@airlora/model";
import { RoundLogLine } from "@airlora/protocol";
import { startNodeParticipants } from "../../apps/coordinator/src/node-clients/node-participants";
import { LOOP_LAG_IMPORT, readLoopLags } from "./loop-lag";
import {
  counterAt,
  startCoordinatorChild,
  startMetricsSampler,
  type MetricsSample,
  type RoundEvent,
} from "./round-coordinator";
import { machineLine, printTable } from "./table";
import { startWireTap, type WireRecord } from "./wire-tap";

const quick = process.argv.includes("--quick");
const root = new URL("../..", import.meta.url).pathname;
/** Loopback is no 2 Mbit/s Wi-Fi: at the default uplink, pacing would be most of a round and the suite would take
 * minutes longer; 50 Mbit/s keeps the rounds about training and the engine. */
const UPLINK_MBPS = 50;
/** Evaluating all 1,209 held-out emails takes ~1.6 s on 2 cores, longer than these short rounds: evaluations would
 * queue behind each other and fill every round's CPU figure; 128 rows take a few hundred ms. */
const EVAL_ROWS = 128;
const SAMPLE_MS = 100;
const RUNS: readonly { readonly participants: number; readonly rounds: number; readonly localSteps: number }[] = quick
  ? [
      { participants: 4, rounds: 2, localSteps: 5 },
      { participants: 16, rounds: 2, localSteps: 2 },
    ]
  : [
      { participants: 4, rounds: 6, localSteps: 15 },
      { participants: 16, rounds: 4, localSteps: 8 },
    ];
const JOIN_TOKEN = "bench-join-token";
const ADMIN_TOKEN = "bench-admin-token";

interface RoundFigures {
  readonly round: number;
  readonly members: number;
  readonly submitted: number;
  readonly latencyMs: number;
  readonly slowestMs: number;
  readonly overheadMs: number;
  readonly cpuMs: number;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  readonly wireUp: number;
  readonly codecUp: number;
  /** Where the round's time went (PHASES), following the member that submitted last. */
  readonly last: readonly number[];
}

/** The phases of a round that add up to its latency: the coordinator's log lines for the previous close and this
 * start, then the events of the member that submitted last as they reached this process. */
const PHASES = [
  "close + plan",
  "checkpoint, encode, send",
  "-> its download",
  "download",
  "training",
  "update build",
  "upload + report",
  "report -> close",
] as const;

interface Breakdown {
  readonly dir: "in" | "out";
  readonly kind: string;
  messages: number;
  bytes: number;
  framing: number;
}

interface RunFigures {
  readonly participants: number;
  readonly rounds: number;
  readonly localSteps: number;
  readonly rank: number;
  readonly perRound: readonly RoundFigures[];
  readonly wire: { readonly up: number; readonly down: number };
  readonly codec: {
    readonly up: number;
    readonly down: number;
    readonly updates: number;
    readonly memberRounds: number;
  };
  readonly breakdown: readonly Breakdown[];
  /** The coordinator's own counters over the run, less the sampler's requests, next to what the relay forwarded. */
  readonly check: {
    readonly coordIn: number;
    readonly coordOut: number;
    readonly tapUp: number;
    readonly tapDown: number;
  };
  readonly evaluation: { readonly cpuMs: number; readonly wallMs: number; readonly logLagMs: number };
  readonly idleCpuMsPerSec: number;
  readonly metricsLoop: { readonly p99: number; readonly max: number };
  readonly problems: readonly string[];
  readonly wallSec: number;
}

// A signal ends the bench through process.exit, so the 'exit' handlers still stop the coordinator child (SIGKILL)
// and remove the run directory; the participant threads end with this process.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

const started = Date.now();
const load = loadavg()[0] ?? 0;
const results: RunFigures[] = [];
for (const run of RUNS) {
  process.stdout.write(
    `coordinator + ${String(run.participants)} participants: ${String(run.rounds)} LoRA rounds of ${String(run.localSteps)} local steps…\n`,
  );
  results.push(await federation(run.participants, run.rounds, run.localSteps));
}
printRounds(results);
printBytes(results);

// Last, with the participants gone: memory alone on this process's tfjs, not sharing the cores with a run.
await tf.setBackend("wasm");
const memory = [];
const memoryCases = quick
  ? ([["nano", 8]] as const)
  : ([
      ["nano", 8],
      ["tiny", 8],
      ["tiny", 32],
    ] as const);
for (const [preset, rank] of memoryCases) {
  process.stdout.write(`participant step memory: ${preset} rank ${String(rank)}…\n`);
  memory.push(await benchParticipantStep(PRESETS[preset], "wasm", PARTICIPANT_TRAINING[preset], { rank, steps: 0 }));
}
printTable(
  "Peak tensor memory of one training step, the participant's default configuration (PARTICIPANT_TRAINING), Node wasm",
  ["preset", "rank", "batch", "micro-batch", "tokens/row", "peak MB"],
  memory.map((m) => [
    m.preset,
    String(m.rank),
    String(m.batch),
    String(m.microBatch),
    String(m.stepTokensPerRow),
    m.peakMegabytes.toFixed(0),
  ]),
);
console.log(
  "peak MB = tfjs profiler peak of one step plus the frozen base weights (benchParticipantStep, @airlora/model).",
);
console.log(
  `\nround suite: ${((Date.now() - started) / 1000).toFixed(0)} s; load average when it started: ${load.toFixed(2)}`,
);

function printRounds(runs: readonly RunFigures[]): void {
  printTable(
    `Federated rounds on loopback: nano, spam, soft + tsfa, uplink ${String(UPLINK_MBPS)} Mbit/s, --eval-rows ${String(EVAL_ROWS)} (${machineLine()}, ${String(cpus().length)} cores ${cpus()[0]?.model ?? ""})`,
    [
      "clients",
      "round",
      "submitted",
      "latency ms",
      "slowest member ms",
      "overhead ms",
      "overhead %",
      "coord CPU ms",
      "loop lag p99 ms",
      "max ms",
      "wire in / bytesUp",
    ],
    runs.flatMap((r) => [
      ...r.perRound.map((f) => roundRow(String(r.participants), String(f.round), f)),
      roundRow(String(r.participants), "mean", meanOf(r.perRound)),
    ]),
  );
  console.log(
    [
      "slowest member = max over the round's submitted members of downloadMs + computeMs + uploadMs in rounds.jsonl",
      "  (its own time fetching the global adapter, training, and sending the paced upload chunk by chunk);",
      "overhead = roundLatencyMs - slowest member: time nobody spent training or pacing (assignment and report",
      "  travel, the coordinator's handling, and the participant building its update between training and upload).",
      "coord CPU ms = user + system CPU of the whole coordinator process from the round's startedAt to its endedAt",
      "  (/api/metrics every 100 ms, interpolated), its evaluation worker thread included.",
      "loop lag p99, max = of the coordinator main thread's event-loop lag, sampled every 10 ms by a preload (the",
      "  /api/metrics histogram runs since start), from the previous round's close to this one's: the max is the",
      "  synchronous close step that starts the round. It also counts time the OS did not run the thread at all.",
      "wire in / bytesUp = the round's coordinator TCP bytes in over its submitted updates' encoded bytes.",
    ].join("\n"),
  );
  printTable(
    "Where a round's time goes (mean ms over the LoRA rounds; they add up to the round latency)",
    ["clients", ...PHASES],
    runs.map((r) => [String(r.participants), ...meanOf(r.perRound).last.map((ms) => ms.toFixed(0))]),
  );
  console.log(
    [
      "A round's clock starts at the report that closed the previous one (or at the last ready participant), then:",
      "close + plan = to the coordinator's round.closed log line: decoding that report's update, aggregating, the",
      "  separation-gap diagnostic, TSFA planning the next round (one pure step of the round machine);",
      "checkpoint, encode, send = to its round.started line: the checkpoint file, handing the adapter to the",
      "  evaluation worker, encoding the global adapter, emitting the assignments;",
      "then the member whose report came last, as its thread's events reached this process (a postMessage later):",
      "  -> its download = until it began fetching global.bin; download = fetch and decode; training; update build =",
      "  from its last step to its first chunk (importance spectrum, SVD, encoding); upload + report; report -> close.",
    ].join("\n"),
  );
  for (const r of runs) {
    const m = meanOf(r.perRound);
    const measuring = (r.idleCpuMsPerSec * m.latencyMs) / 1000;
    console.log(
      [
        `${String(r.participants)} clients (rank ${String(r.rank)}, ${String(r.rounds)} rounds x ${String(r.localSteps)} steps, ${r.wallSec.toFixed(0)} s in all):`,
        `  coord CPU per round ${m.cpuMs.toFixed(0)} ms = one evaluation of ${String(EVAL_ROWS)} rows ≈ ${r.evaluation.cpuMs.toFixed(0)} ms`,
        `  (the last one, alone after the last close: ${r.evaluation.wallMs.toFixed(0)} ms) + the bench's own polling ≈ ${measuring.toFixed(0)} ms`,
        `  (idle coordinator: ${r.idleCpuMsPerSec.toFixed(1)} ms CPU/s) + the engine and its sockets ≈ ${(m.cpuMs - r.evaluation.cpuMs - measuring).toFixed(0)} ms;`,
        `  a round's log line is written ${r.evaluation.logLagMs.toFixed(0)} ms after its close on average (its evaluation);`,
        `  /api/metrics event-loop delay since start: p99 ${r.metricsLoop.p99.toFixed(1)} ms, max ${r.metricsLoop.max.toFixed(1)} ms.`,
      ].join("\n"),
    );
    if (r.problems.length > 0) console.log(`  participant problems: ${r.problems.slice(0, 5).join("; ")}`);
  }
}

function printBytes(runs: readonly RunFigures[]): void {
  printTable(
    "Bytes on the wire during the LoRA rounds against the codec's bytes",
    ["clients", "direction", "coordinator TCP bytes", "codec bytes", "wire / codec", "goal"],
    runs.flatMap((r) => [
      [
        String(r.participants),
        "in (uplink)",
        String(r.wire.up),
        `${String(r.codec.up)} (Σ bytesUp)`,
        (r.wire.up / r.codec.up).toFixed(3),
        r.wire.up / r.codec.up <= 1.05 ? "<= 1.05: met" : "<= 1.05: missed",
      ],
      [
        String(r.participants),
        "out (downlink)",
        String(r.wire.down),
        `${String(r.codec.down)} (Σ bytesDown)`,
        (r.wire.down / r.codec.down).toFixed(3),
        "(for information)",
      ],
    ]),
  );
  console.log(
    [
      "coordinator TCP bytes = bytes on the coordinator's TCP connections that belong to the LoRA rounds, socket.io and",
      "  WebSocket framing, chunk acks, progress, JSON reports and HTTP heads included. A relay between participants and",
      "  coordinator files each message under the round it names (an update chunk's, a report's, a global.bin path's",
      "  round) or, naming none (pings), under the round it arrived in; over the whole run its byte count must equal",
      "  the growth of /api/metrics tcpBytesIn/Out less the bench's own /api/metrics requests:",
    ].join("\n"),
  );
  for (const r of runs) {
    console.log(
      `  ${String(r.participants)} clients: tcpBytesIn grew ${String(r.check.coordIn)}, tcpBytesOut ${String(r.check.coordOut)}; ` +
        `the relay forwarded ${String(r.check.tapUp)} in, ${String(r.check.tapDown)} out ` +
        `(difference ${String(r.check.coordIn - r.check.tapUp)}, ${String(r.check.coordOut - r.check.tapDown)}).`,
    );
  }
  for (const r of runs) {
    printTable(
      `What the LoRA rounds' bytes are, ${String(r.participants)} clients: ${String(r.codec.updates)} updates of ${(r.codec.up / r.codec.updates / 1024).toFixed(1)} KiB, ` +
        `${String(r.codec.memberRounds)} member-rounds (% of that direction's codec bytes)`,
      ["direction", "what", "messages", "bytes", "of which frame headers", "bytes per member-round", "% of codec"],
      r.breakdown.map((b) => [
        b.dir,
        b.kind,
        String(b.messages),
        String(b.bytes),
        String(b.framing),
        (b.bytes / r.codec.memberRounds).toFixed(0),
        ((100 * b.bytes) / (b.dir === "in" ? r.codec.up : r.codec.down)).toFixed(2),
      ]),
    );
  }
  printTable(
    "Summary (means over the LoRA rounds)",
    ["clients", "mean latency ms", "mean overhead ms", "coord CPU ms/round", "wire / codec (uplink, goal <= 1.05)"],
    runs.map((r) => {
      const m = meanOf(r.perRound);
      return [
        String(r.participants),
        m.latencyMs.toFixed(0),
        m.overheadMs.toFixed(0),
        m.cpuMs.toFixed(0),
        (r.wire.up / r.codec.up).toFixed(3),
      ];
    }),
  );
}

function roundRow(clients: string, round: string, f: RoundFigures): string[] {
  return [
    clients,
    round,
    round === "mean" ? f.submitted.toFixed(1) : `${String(f.submitted)}/${String(f.members)}`,
    f.latencyMs.toFixed(0),
    f.slowestMs.toFixed(0),
    f.overheadMs.toFixed(0),
    ((100 * f.overheadMs) / f.latencyMs).toFixed(1),
    f.cpuMs.toFixed(0),
    f.lagP99Ms.toFixed(1),
    f.lagMaxMs.toFixed(0),
    (f.wireUp / f.codecUp).toFixed(3),
  ];
}

function meanOf(rounds: readonly RoundFigures[]): RoundFigures {
  const mean = (pick: (f: RoundFigures) => number): number =>
    rounds.reduce((sum, f) => sum + pick(f), 0) / Math.max(1, rounds.length);
  return {
    round: Number.NaN,
    members: mean((f) => f.members),
    submitted: mean((f) => f.submitted),
    latencyMs: mean((f) => f.latencyMs),
    slowestMs: mean((f) => f.slowestMs),
    overheadMs: mean((f) => f.overheadMs),
    cpuMs: mean((f) => f.cpuMs),
    lagP99Ms: mean((f) => f.lagP99Ms),
    lagMaxMs: mean((f) => f.lagMaxMs),
    // A ratio of sums, like the run's figure.
    wireUp: rounds.reduce((sum, f) => sum + f.wireUp, 0),
    codecUp: rounds.reduce((sum, f) => sum + f.codecUp, 0),
    last: PHASES.map((_, i) => mean((f) => f.last[i] ?? Number.NaN)),
  };
}

/** When a participant's session events for one round reached this process. */
interface MemberTimes {
  downloading?: number;
  training?: number;
  lastStep?: number;
  uploading?: number;
  submitted?: number;
}

/** What one run leaves to look at. */
interface RunTrace {
  readonly lines: readonly RoundLogLine[];
  /** When this process saw each line appear in rounds.jsonl. */
  readonly loggedAt: readonly number[];
  readonly samples: readonly MetricsSample[];
  readonly first: MetricsSample;
  readonly idle: MetricsSample;
  readonly last: MetricsSample;
  readonly lags: readonly { at: number; lagMs: number }[];
  readonly records: readonly WireRecord[];
  readonly forwarded: { readonly up: number; readonly down: number };
  readonly members: ReadonlyMap<string, MemberTimes>;
  readonly roundEvents: readonly RoundEvent[];
  readonly problems: readonly string[];
}

/** One run: the coordinator child, the relay, the sampler and the participants, all stopped again on any outcome. */
async function federation(participants: number, rounds: number, localSteps: number): Promise<RunFigures> {
  const runStarted = Date.now();
  const cleanup: (() => Promise<void> | void)[] = [];
  const outDir = mkdtempSync(join(tmpdir(), "airlora-bench-round-"));
  const tidy = (): void => {
    rmSync(outDir, { recursive: true, force: true });
  };
  process.once("exit", tidy);
  cleanup.push(() => {
    process.off("exit", tidy);
    tidy();
  });
  try {
    const lagFile = join(outDir, "loop-lag.txt");
    const coordinator = await startCoordinatorChild(
      root,
      ["--import", LOOP_LAG_IMPORT],
      [
        ...["--host", "127.0.0.1", "--port", "0", "--model", "nano", "--task", "spam"],
        ...["--rule", "soft", "--scheduler", "tsfa", "--uplink-mbps", String(UPLINK_MBPS)],
        ...["--min-clients", String(participants), "--start-clients", String(participants)],
        ...["--rounds", String(rounds), "--local-steps", String(localSteps), "--eval-rows", String(EVAL_ROWS)],
        ...["--join-token", JOIN_TOKEN, "--admin-token", ADMIN_TOKEN, "--out", outDir],
      ],
      { AIRLORA_BENCH_LAG_FILE: lagFile },
    );
    cleanup.push(() => coordinator.stop());
    const tap = await startWireTap(coordinator.port);
    cleanup.push(() => tap.close());
    const sampler = startMetricsSampler(coordinator.origin, ADMIN_TOKEN, SAMPLE_MS);
    cleanup.push(() => sampler.stop());
    // A line is written when its round's evaluation is done; when that happens tells what an evaluation costs.
    const logFile = join(coordinator.runDir, "rounds.jsonl");
    const loggedAt: number[] = [];
    let logBytes = 0;
    const watch = setInterval(() => {
      const size = sizeOf(logFile);
      if (size === logBytes) return;
      logBytes = size;
      const count = readFileSync(logFile, "utf8")
        .split("\n")
        .filter((l) => l !== "").length;
      while (loggedAt.length < count) loggedAt.push(Date.now());
    }, 20);
    cleanup.push(() => {
      clearInterval(watch);
    });

    // A second of the idle coordinator first: what the sampler itself costs it.
    const first = await sampler.sample();
    await sleep(1000);
    const idle = await sampler.sample();

    const problems: string[] = [];
    const members = new Map<string, MemberTimes>();
    const threads = startNodeParticipants({
      origin: `http://127.0.0.1:${String(tap.port)}`,
      joinToken: JOIN_TOKEN,
      count: participants,
      backend: "wasm",
      userAgent: "bench round participant",
      onEvent: (index, event) => {
        if (event.type === "problem") problems.push(`#${String(index)} ${event.code}: ${event.reason}`);
        if (event.type !== "round" || event.phase !== "lora") return;
        const key = `${String(index)}/${String(event.round)}`;
        const times = members.get(key) ?? {};
        const now = Date.now();
        if (event.stage === "downloading") times.downloading ??= now;
        if (event.stage === "training") {
          times.training ??= now;
          times.lastStep = now;
        }
        if (event.stage === "uploading") times.uploading ??= now;
        if (event.stage === "submitted") times.submitted = now;
        members.set(key, times);
      },
      onCrash: (index, reason) => problems.push(`#${String(index)} crashed: ${reason}`),
    });
    cleanup.push(() => threads.stop());

    // The run ends when every participant saw run-finished; a coordinator that exits or a run that hangs ends it too.
    const limitMs = 300_000;
    let running = true;
    let limit: ReturnType<typeof setTimeout> | undefined;
    const failure = new Promise<never>((_, reject) => {
      limit = setTimeout(() => {
        reject(new Error(`the run did not finish in ${String(limitMs / 1000)} s:\n${coordinator.stderrTail()}`));
      }, limitMs);
      void coordinator.exited.then((code) => {
        if (running) {
          reject(
            new Error(`the coordinator exited (code ${String(code)}) during the run:\n${coordinator.stderrTail()}`),
          );
        }
      });
    });
    failure.catch(() => undefined);
    const finished = await Promise.race([threads.done, failure]).finally(() => {
      running = false;
      clearTimeout(limit);
    });
    if (!finished.every(Boolean)) throw new Error(`not every participant saw the run finish: ${problems.join("; ")}`);

    // Every participant connection closed: the coordinator's counters and the relay's must agree now.
    for (let i = 0; i < 50 && tap.openConnections() > 0; i += 1) await sleep(100);
    await sleep(300);
    const last = await sampler.sample();
    await sampler.stop();
    const lines = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((text) => RoundLogLine.parse(JSON.parse(text)));
    await coordinator.stop(); // the lag preload writes its last samples on exit
    const trace: RunTrace = {
      lines,
      loggedAt,
      samples: sampler.samples,
      first,
      idle,
      last,
      lags: readLags(lagFile),
      records: tap.records,
      forwarded: tap.forwarded,
      members,
      roundEvents: coordinator.roundEvents,
      problems,
    };
    return { ...analyse(trace), participants, rounds, localSteps, wallSec: (Date.now() - runStarted) / 1000 };
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch {
        // The next step still runs: nothing may stay behind.
      }
    }
  }
}

function analyse(trace: RunTrace): Omit<RunFigures, "participants" | "rounds" | "localSteps" | "wallSec"> {
  const { lines, samples } = trace;
  const lora = lines.filter((l) => l.phase === "lora");
  const cpu = (s: MetricsSample): number => s.cpuMs;
  const cpuBetween = (from: number, to: number): number => counterAt(samples, to, cpu) - counterAt(samples, from, cpu);
  const roundOf = (record: WireRecord): number | null =>
    record.round ?? lines.find((l) => record.at > l.startedAt && record.at <= l.endedAt)?.round ?? null;

  const perRound = lora.map((line): RoundFigures => {
    const submitted = line.clients.filter((c) => c.status === "submitted");
    const slowestMs = Math.max(
      0,
      ...submitted.map((c) => (c.downloadMs ?? 0) + (c.computeMs ?? 0) + (c.uploadMs ?? 0)),
    );
    const lags = trace.lags.filter((l) => l.at > line.startedAt && l.at <= line.endedAt).map((l) => l.lagMs);
    const wireUp = trace.records
      .filter((r) => r.dir === "up" && roundOf(r) === line.round)
      .reduce((sum, r) => sum + r.payload + r.framing, 0);
    return {
      round: line.round,
      members: line.clients.length,
      submitted: submitted.length,
      latencyMs: line.roundLatencyMs,
      slowestMs,
      overheadMs: line.roundLatencyMs - slowestMs,
      cpuMs: cpuBetween(line.startedAt, line.endedAt),
      lagP99Ms: percentile(lags, 0.99),
      lagMaxMs: lags.length === 0 ? Number.NaN : Math.max(...lags),
      wireUp,
      codecUp: submitted.reduce((sum, c) => sum + c.bytesUp, 0),
      last: phasesOf(trace, line),
    };
  });

  const loraRounds = new Set(lora.map((l) => l.round));
  const breakdown = new Map<string, Breakdown>();
  const wire = { up: 0, down: 0 };
  for (const record of trace.records) {
    const round = roundOf(record);
    if (round === null || !loraRounds.has(round)) continue;
    const bytes = record.payload + record.framing;
    wire[record.dir] += bytes;
    const dir = record.dir === "up" ? "in" : "out";
    const key = `${dir} ${record.kind}`;
    const entry = breakdown.get(key) ?? { dir, kind: record.kind, messages: 0, bytes: 0, framing: 0 };
    if (!record.continued) entry.messages += 1;
    entry.bytes += bytes;
    entry.framing += record.framing;
    breakdown.set(key, entry);
  }

  // The last evaluation, alone: from the later of the last close and the line before it, to its own line.
  const lastLine = lines.length - 1;
  const lastLora = lora[lora.length - 1];
  const evalEnd = trace.loggedAt[lastLine] ?? Number.NaN;
  const evalStart = Math.max(lastLora?.endedAt ?? Number.NaN, trace.loggedAt[lastLine - 1] ?? 0);
  const logLags = lora.map((l) => (trace.loggedAt[lines.indexOf(l)] ?? Number.NaN) - l.endedAt);
  const { first, idle, last } = trace;
  return {
    rank: lastLora?.rank ?? 0,
    perRound,
    wire,
    codec: {
      up: lora.reduce((sum, l) => sum + l.clients.reduce((s, c) => s + c.bytesUp, 0), 0),
      down: lora.reduce((sum, l) => sum + l.clients.reduce((s, c) => s + c.bytesDown, 0), 0),
      updates: lora.reduce((sum, l) => sum + l.clients.filter((c) => c.status === "submitted").length, 0),
      memberRounds: lora.reduce((sum, l) => sum + l.clients.length, 0),
    },
    breakdown: [...breakdown.values()].sort((a, b) => a.dir.localeCompare(b.dir) || b.bytes - a.bytes),
    check: {
      coordIn: last.tcpBytesIn - first.tcpBytesIn - (last.ownRequestBytes - first.ownRequestBytes),
      coordOut: last.tcpBytesOut - first.tcpBytesOut - (last.ownAnswerBytesBefore - first.ownAnswerBytesBefore),
      tapUp: trace.forwarded.up,
      tapDown: trace.forwarded.down,
    },
    evaluation: {
      cpuMs: cpuBetween(evalStart, evalEnd),
      wallMs: evalEnd - evalStart,
      logLagMs: logLags.reduce((sum, l) => sum + l, 0) / Math.max(1, logLags.length),
    },
    idleCpuMsPerSec: ((idle.cpuMs - first.cpuMs) * 1000) / (idle.at - first.at),
    metricsLoop: { p99: last.loopP99Ms, max: last.loopMaxMs },
    problems: trace.problems,
  };
}

/** PHASES of one round (NaN where a log line or an event is missing). */
function phasesOf(trace: RunTrace, line: RoundLogLine): number[] {
  let last: MemberTimes | undefined;
  for (const [key, times] of trace.members) {
    if (!key.endsWith(`/${String(line.round)}`) || times.submitted === undefined) continue;
    if (last?.submitted === undefined || times.submitted > last.submitted) last = times;
  }
  const logged = (event: RoundEvent["event"], round: number): number | undefined =>
    trace.roundEvents.find((e) => e.event === event && e.round === round)?.at;
  const at = [
    line.startedAt,
    logged("round.closed", line.round - 1),
    logged("round.started", line.round),
    last?.downloading,
    last?.training,
    last?.lastStep,
    last?.uploading,
    last?.submitted,
    line.endedAt,
  ].map((t) => t ?? Number.NaN);
  return at.slice(1).map((t, i) => t - (at[i] ?? Number.NaN));
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0; // not written yet
  }
}

function readLags(file: string): { at: number; lagMs: number }[] {
  try {
    return readLoopLags(readFileSync(file, "utf8"));
  } catch {
    return []; // the child died before it wrote any
  }
}

function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
