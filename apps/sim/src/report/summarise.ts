// The figures of a run and of a group of runs that differ only in their seed (docs/simulator.md section 7): final
// validation quality, uplink bytes against dense, round latency against the budget, energy lost. Pure.
import { meanAndSd, type MeanSd } from "@airlora/core";
import type { RoundLogLine } from "@airlora/protocol";
import type { RunRecord } from "./read-run";

export interface RunFigures {
  /** Validation accuracy (classification) or perplexity (language modelling) after the last round. */
  readonly quality: number;
  readonly qualityKind: "accuracy" | "perplexity";
  /** The same measure on the test split, for the last global adapter, when the report read it (`--test`). */
  readonly testQuality: number | undefined;
  readonly bytesUp: number;
  readonly bytesDense: number;
  /** Time average of the LoRA rounds' latency over the budget (1 = on budget). */
  readonly latencyOverBudget: number;
  /** Mean over the LoRA rounds' submitted updates of the energy their sparsification dropped. */
  readonly energyLost: number;
  /** Per round: cumulative MB up, simulated seconds since the run's first round started, quality then. */
  readonly curve: readonly {
    readonly round: number;
    readonly mbUp: number;
    readonly seconds: number;
    readonly quality: number;
  }[];
}

const qualityOf = (line: RoundLogLine): { value: number; kind: "accuracy" | "perplexity" } | undefined => {
  const e = line.eval;
  if (e === null) return undefined;
  return "accuracy" in e ? { value: e.accuracy, kind: "accuracy" } : { value: e.perplexity, kind: "perplexity" };
};

export function runFigures(run: RunRecord, testQuality?: number): RunFigures {
  const start = run.lines[0]?.startedAt ?? 0;
  let mbUp = 0;
  const curve: RunFigures["curve"][number][] = [];
  let last: { value: number; kind: "accuracy" | "perplexity" } | undefined;
  for (const line of run.lines) {
    mbUp += line.clients.reduce((a, c) => a + c.bytesUp, 0) / 1e6;
    const q = qualityOf(line);
    if (q !== undefined) {
      last = q;
      curve.push({ round: line.round, mbUp, seconds: (line.endedAt - start) / 1000, quality: q.value });
    }
  }
  const lora = run.lines.filter((l) => l.phase === "lora");
  const submitted = lora.flatMap((l) => l.clients.filter((c) => c.status === "submitted"));
  const latency = lora.reduce((a, l) => a + l.roundLatencyMs, 0);
  return {
    quality: last?.value ?? Number.NaN,
    qualityKind: last?.kind ?? "accuracy",
    testQuality,
    bytesUp: lora.reduce((a, l) => a + l.clients.reduce((b, c) => b + c.bytesUp, 0), 0),
    bytesDense: lora.reduce(
      (a, l) => a + l.clients.reduce((b, c) => b + (c.status === "submitted" ? c.bytesDense : 0), 0),
      0,
    ),
    latencyOverBudget: lora.length === 0 ? Number.NaN : latency / lora.length / run.latencyBudgetMs,
    energyLost: meanAndSd(submitted.map((c) => c.energyLost ?? 0)).mean,
    curve,
  };
}

/** The settings that make a group: everything but the seed. */
export function groupKey(run: RunRecord): string {
  const scheduler = run.scheduler === "fixed" ? `fixed(k/m=${String(run.keptRatio)})` : run.scheduler;
  return [
    run.task,
    run.preset,
    run.rule,
    scheduler,
    run.scenario,
    `N=${String(run.clients)}`,
    `steps=${String(run.localSteps)}`,
    `budget=${String(run.latencyBudgetMs / 1000)}s`,
    `V=${String(run.penaltyWeight)}`,
    // Only where `--queue-floor` moved it off its default, V / budget.
    ...(Math.abs(run.queueFloorSec - run.penaltyWeight / (run.latencyBudgetMs / 1000)) > 1e-9
      ? [`floor=${String(run.queueFloorSec)}s`]
      : []),
  ].join(" ");
}

export interface GroupFigures {
  readonly key: string;
  readonly runs: readonly RunRecord[];
  /** Each run's figures, in `runs`' order. */
  readonly figures: readonly RunFigures[];
  readonly seeds: readonly number[];
  readonly quality: MeanSd;
  /** Over the runs whose test split was read; undefined if none was. */
  readonly testQuality: MeanSd | undefined;
  readonly qualityKind: "accuracy" | "perplexity";
  readonly mbUp: MeanSd;
  /** Uplink bytes over what sending every rank would have taken. */
  readonly shareOfDense: MeanSd;
  readonly latencyOverBudget: MeanSd;
  readonly energyLost: MeanSd;
  /** Per round, the mean over seeds (rounds every seed logged). */
  readonly curve: readonly {
    readonly round: number;
    readonly mbUp: number;
    readonly seconds: number;
    readonly quality: number;
  }[];
}

/** `testQuality`: the test split's reading by run directory, for the runs whose test split was read. */
export function groupFigures(
  runs: readonly RunRecord[],
  testQuality: ReadonlyMap<string, number> = new Map(),
): GroupFigures[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) groups.set(groupKey(run), [...(groups.get(groupKey(run)) ?? []), run]);
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, unordered]) => {
      const members = [...unordered].sort((a, b) => a.seed - b.seed);
      const figures = members.map((run) => runFigures(run, testQuality.get(run.dir)));
      const tested = figures.flatMap((f) => (f.testQuality === undefined ? [] : [f.testQuality]));
      const rounds = Math.min(...figures.map((f) => f.curve.length));
      const at = (i: number, pick: (p: RunFigures["curve"][number]) => number) =>
        meanAndSd(figures.map((f) => (f.curve[i] === undefined ? Number.NaN : pick(f.curve[i])))).mean;
      return {
        key,
        runs: members,
        figures,
        seeds: members.map((r) => r.seed),
        quality: meanAndSd(figures.map((f) => f.quality)),
        testQuality: tested.length === 0 ? undefined : meanAndSd(tested),
        qualityKind: figures[0]?.qualityKind ?? "accuracy",
        mbUp: meanAndSd(figures.map((f) => f.bytesUp / 1e6)),
        shareOfDense: meanAndSd(figures.map((f) => (f.bytesDense > 0 ? f.bytesUp / f.bytesDense : Number.NaN))),
        latencyOverBudget: meanAndSd(figures.map((f) => f.latencyOverBudget)),
        energyLost: meanAndSd(figures.map((f) => f.energyLost)),
        curve: Array.from({ length: rounds }, (_, i) => ({
          round: figures[0]?.curve[i]?.round ?? i,
          mbUp: at(i, (p) => p.mbUp),
          seconds: at(i, (p) => p.seconds),
          quality: at(i, (p) => p.quality),
        })),
      };
    });
}
