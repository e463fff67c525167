// `airlora simulate` (docs/interfaces.md, docs/simulator.md): virtual participants over the modelled wireless channel
// on a simulated clock, with the live engine and real training; one run directory per seed, a progress bar on
// stderr, a line (or with --json, a JSON object) per run on stdout. The simulator lives in apps/sim and is loaded
// only by this command.
import { AGGREGATION_RULES, CHANNEL_SCENARIO_NAMES, type ChannelScenario } from "@airlora/core";
import { PRESET_NAMES, SCHEDULER_NAMES, TASK_NAMES, type RoundLogLine } from "@airlora/protocol";
import { SingleBar } from "cli-progress";
import { availableParallelism } from "node:os";
import { Command } from "commander";
import type { Result } from "@airlora/core";
import type { SimulatedRun, SimulationProgress } from "@airlora/sim";
import { loadResumePoint } from "../run/resume";
import type { RunFlags } from "../run/run-settings";
import { integer, nonNegative, oneOf, positive } from "./arguments";
import { CONNECTION_FAULT_KINDS } from "../node-clients/faults";
import { faultFlag, type IndexedFault } from "./fault-flag";

interface SimulateOptions {
  clients?: number;
  rounds?: number;
  task?: RunFlags["task"];
  model?: RunFlags["preset"];
  rule?: RunFlags["rule"];
  scheduler?: RunFlags["scheduler"];
  V?: number;
  latencyBudgetMs?: number;
  localSteps?: number;
  keptRatio?: number;
  queueFloor?: number;
  errorFeedback?: boolean;
  fault: readonly IndexedFault[];
  scenario: ChannelScenario;
  bandwidthHz?: number;
  stepMs?: number;
  threads?: number;
  seeds: string;
  out: string;
  quick?: boolean;
  json?: boolean;
  resume?: string;
}

/** --quick: what CI runs (a few minutes' worth of rounds in well under two). */
const QUICK = { clients: 6, rounds: 2, localSteps: 4 };

export const simulateCommand = new Command("simulate")
  .description("simulate a run: virtual participants over a modelled wireless channel, on simulated time")
  .option("--clients <n>", "virtual participants (default 20; --quick 6)", integer(1, 10_000))
  .option("--rounds <n>", "LoRA rounds (default 10; --quick 2)", integer(1, 100_000))
  .option("--task <task>", `${TASK_NAMES.join(" or ")} (default spam)`, oneOf(TASK_NAMES))
  .option("--model <preset>", `${PRESET_NAMES.join(", ")} (default nano)`, oneOf(PRESET_NAMES))
  .option("--rule <rule>", `${AGGREGATION_RULES.join(", ")} (default soft)`, oneOf(AGGREGATION_RULES))
  .option("--scheduler <name>", `${SCHEDULER_NAMES.join(" or ")} (default tsfa)`, oneOf(SCHEDULER_NAMES))
  .option("--V <x>", "TSFA's penalty weight V, s^2 (default: the latency budget in seconds, squared)", positive(1e12))
  .option("--latency-budget-ms <ms>", "TSFA's long-term round latency (default: nano 10000)", positive(86_400_000))
  .option("--local-steps <n>", "training steps per participant per round (default: nano 30)", integer(1, 100_000))
  .option(
    "--kept-ratio <x>",
    "--scheduler fixed: the share of rank components everyone keeps (default 0.5)",
    positive(1),
  )
  .option(
    "--queue-floor <s>",
    "place-holder backlog added to Q when scheduling, seconds (default V / budget)",
    nonNegative(1e12),
  )
  .option(
    "--error-feedback",
    "soft, topk: participants carry what an update leaves out into their next one (error feedback)",
  )
  .option(
    "--fault <index:fault>",
    "participant INDEX leaves (disconnect) or stops answering (silent) in round ROUND, e.g. 3:disconnect@2 (repeatable)",
    faultFlag(CONNECTION_FAULT_KINDS),
    [],
  )
  .option(
    "--scenario <name>",
    `channel: ${CHANNEL_SCENARIO_NAMES.join(", ")} (docs/algorithms.md section 6.5)`,
    oneOf(CHANNEL_SCENARIO_NAMES),
    "design",
  )
  .option("--bandwidth-hz <w>", "the shared band W, Hz (default: the scenario's)", positive(1e12))
  .option("--step-ms <ms>", "a local step on the median device, ms (default: nano 150, tiny 800)", positive(600_000))
  .option("--threads <n>", "training threads (default: one per core; 0 trains in the main thread)", integer(0, 256))
  .option("--seeds <list>", "comma-separated seeds, one run each", "0")
  .option("--out <dir>", "where run directories go", "runs/sim")
  .option("--quick", "a small run for CI: 6 participants, 2 rounds of 4 steps")
  .option("--json", "one JSON object per run on stdout")
  .option("--resume <run-dir>", "carry on a simulated run from its last complete checkpoint (with --threads, --json)")
  .action(async (options: SimulateOptions, command: Command) => {
    if (options.resume !== undefined) {
      // Flags given on the command line, not defaults: with --resume, only where it trains and how it prints.
      const given = Object.keys(options).filter((key) => command.getOptionValueSource(key) === "cli");
      await resumeRun(options, given);
      return;
    }
    const seeds = options.seeds.split(",").map(Number);
    if (seeds.some((s) => !Number.isInteger(s) || s < 0))
      throw new Error("--seeds: non-negative integers, comma-separated");
    const { simulate } = await import("@airlora/sim");
    const preset = options.model ?? "nano";
    const clients = options.clients ?? (options.quick === true ? QUICK.clients : 20);
    const rounds = options.rounds ?? (options.quick === true ? QUICK.rounds : 10);
    const flags: RunFlags = {
      preset,
      rounds,
      outDir: options.out,
      ...(options.task === undefined ? {} : { task: options.task }),
      ...(options.rule === undefined ? {} : { rule: options.rule }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
      ...(options.V === undefined ? {} : { penaltyWeight: options.V }),
      ...(options.latencyBudgetMs === undefined ? {} : { latencyBudgetMs: options.latencyBudgetMs }),
      ...(options.keptRatio === undefined ? {} : { keptRatio: options.keptRatio }),
      ...(options.queueFloor === undefined ? {} : { queueFloorSec: options.queueFloor }),
      ...(options.errorFeedback === undefined ? {} : { errorFeedback: options.errorFeedback }),
      ...(options.localSteps === undefined
        ? options.quick === true
          ? { localSteps: QUICK.localSteps }
          : {}
        : { localSteps: options.localSteps }),
    };
    for (const seed of seeds) {
      const result = await withProgressBar(seed, rounds, (progress) =>
        simulate(
          {
            clients,
            scenario: options.scenario,
            bandwidthHz: options.bandwidthHz,
            stepMs: options.stepMs ?? (preset === "tiny" ? 800 : 150),
            threads: options.threads ?? availableParallelism(),
            downlinkBps: 50e6,
            latencyMs: 20,
            flags,
            faults: options.fault,
          },
          seed,
          progress,
        ),
      );
      printRun(seed, result, options.json === true);
    }
  });

/** --resume: the run's own settings, channel and devices; only where it trains and how it prints may change. */
async function resumeRun(options: SimulateOptions, given: readonly string[]): Promise<void> {
  const allowed = new Set(["resume", "threads", "json"]);
  const extra = given.filter((key) => !allowed.has(key));
  if (extra.length > 0) throw new Error(`--resume keeps the run's own settings; drop ${extra.join(", ")}`);
  const point = loadResumePoint(options.resume ?? "");
  if (!point.ok) throw new Error(point.error.reason);
  const { settings } = point.value;
  if (point.value.finished) {
    throw new Error(`${point.value.runId} already logged all its ${String(settings.rounds)} rounds; nothing to resume`);
  }
  const { resumeSimulation } = await import("@airlora/sim");
  const result = await withProgressBar(settings.seed, settings.rounds, (progress) =>
    resumeSimulation(point.value, options.threads ?? availableParallelism(), progress),
  );
  printRun(settings.seed, result, options.json === true);
}

async function withProgressBar(
  seed: number,
  rounds: number,
  start: (progress: SimulationProgress) => Promise<Result<SimulatedRun>>,
): Promise<Result<SimulatedRun>> {
  const bar = new SingleBar({
    format: `seed ${String(seed)} [{bar}] round {value}/{total} {status}`,
    hideCursor: true,
    stream: process.stderr,
    // In a pipe or a log (CI, nohup) too: a line every 30 s, so a half-hour run shows where it is.
    noTTYOutput: true,
    notTTYSchedule: 30_000,
  });
  bar.start(rounds, 0, { status: "preparing" });
  try {
    return await start((event) => {
      if (event.kind === "stage") bar.update({ status: event.text });
      else bar.update(event.line.round, { status: roundStatus(event.line) });
    });
  } finally {
    bar.stop();
  }
}

function printRun(seed: number, result: Result<SimulatedRun>, json: boolean): void {
  if (!result.ok) throw new Error(`seed ${String(seed)}: ${result.error.code}: ${result.error.reason}`);
  const { runDir, summary, simulatedSec, wallSec } = result.value;
  if (json) {
    process.stdout.write(`${JSON.stringify({ seed, runDir, simulatedSec, wallSec, ...summary })}\n`);
    return;
  }
  const evaluation = summary.finalEval;
  const quality =
    evaluation === null
      ? "no evaluation"
      : "accuracy" in evaluation
        ? `accuracy ${(100 * evaluation.accuracy).toFixed(2)}%`
        : `perplexity ${evaluation.perplexity.toFixed(1)}`;
  process.stdout.write(
    `seed ${String(seed)}: ${String(summary.rounds)} rounds, ${quality}, ${(summary.bytesUp / 1e6).toFixed(2)} MB up ` +
      `(${((100 * summary.bytesUp) / Math.max(1, summary.bytesDense)).toFixed(1)}% of dense), mean round ` +
      `${(summary.meanRoundLatencyMs / 1000).toFixed(1)} s of ${(summary.latencyBudgetMs / 1000).toFixed(1)} s; ` +
      `${simulatedSec.toFixed(0)} s simulated in ${wallSec.toFixed(0)} s -> ${runDir}\n`,
  );
}

function roundStatus(line: RoundLogLine): string {
  const evaluation = line.eval;
  if (evaluation === null) return `round ${String(line.round)} logged`;
  return "accuracy" in evaluation
    ? `validation accuracy ${(100 * evaluation.accuracy).toFixed(1)}%`
    : `validation perplexity ${evaluation.perplexity.toFixed(1)}`;
}

/** `airlora report RUN_DIRS... --out DIR`: report.md and SVG charts over finished run directories (any seeds);
 * `--test` reads each run's test split once and keeps the figures next to the report. */
export const reportCommand = new Command("report")
  .description("write report.md and SVG charts from finished run directories, seeds averaged")
  .argument("<runDirs...>", "run directories (as simulate or start wrote them)")
  .option("--out <dir>", "where report.md and the charts go", "docs/evaluation")
  .option("--test", "score each run's last global adapter on the test split (once, for the final report)")
  .action(async (runDirs: string[], options: { out: string; test?: boolean }) => {
    const { readTestSplits, writeReport } = await import("@airlora/sim");
    let readings = new Map<string, number>();
    if (options.test === true) {
      const bar = new SingleBar({
        format: "test split [{bar}] {value}/{total} runs",
        stream: process.stderr,
        noTTYOutput: true,
        notTTYSchedule: 30_000,
      });
      bar.start(runDirs.length, 0);
      const read = await readTestSplits(runDirs, (done) => {
        bar.update(done);
      });
      bar.stop();
      if (!read.ok) throw new Error(read.error.reason);
      readings = read.value;
    }
    const written = writeReport(runDirs, options.out, readings);
    if (!written.ok) throw new Error(written.error.reason);
    const { runs, groups, tested } = written.value;
    process.stdout.write(
      `wrote ${options.out}/report.md and 4 charts: ${String(runs)} runs in ${String(groups)} groups, ${String(tested)} with a test reading\n`,
    );
  });
