// What the dashboard draws, derived from round log lines only (the lines /api/rounds serves, received over the
// socket): one source for every number about a round. Pure: the charts, the table and the tests read these.
import type { RoundLogClient, RoundLogLine } from "@airlora/protocol";

export interface RoundTotals {
  readonly round: number;
  readonly phase: RoundLogLine["phase"];
  readonly loss: number | null;
  /** Accuracy (classification) or perplexity (language modelling); null when the round was not evaluated. */
  readonly quality: number | null;
  /** Encoded update bytes the coordinator received from every member. */
  readonly bytesUp: number;
  /** The same submitted updates with every rank kept, at the same precision. */
  readonly bytesDense: number;
  readonly roundLatencyMs: number;
  readonly latencyBudgetMs: number;
  /** Q after the round, seconds. */
  readonly virtualQueue: number;
  readonly submitted: number;
}

export type QualityName = "accuracy" | "perplexity";

/** The run's quality metric: the first evaluation that says which. */
export function qualityName(lines: readonly RoundLogLine[]): QualityName {
  const evaluation = lines.find((l) => l.eval !== null)?.eval;
  return evaluation !== undefined && evaluation !== null && "perplexity" in evaluation ? "perplexity" : "accuracy";
}

export function roundTotals(line: RoundLogLine): RoundTotals {
  const submitted = line.clients.filter((c) => c.status === "submitted");
  const evaluation = line.eval;
  return {
    round: line.round,
    phase: line.phase,
    loss: evaluation?.loss ?? null,
    quality: evaluation === null ? null : "accuracy" in evaluation ? evaluation.accuracy : evaluation.perplexity,
    bytesUp: line.clients.reduce((sum, c) => sum + c.bytesUp, 0),
    bytesDense: submitted.reduce((sum, c) => sum + c.bytesDense, 0),
    roundLatencyMs: line.roundLatencyMs,
    latencyBudgetMs: line.latencyBudgetMs,
    virtualQueue: line.virtualQueue,
    submitted: submitted.length,
  };
}

/** Columns for uPlot: x (round) first, then one array per series, in round order; null where a value is missing. */
export type Columns = [number[], ...(number | null)[][]];

export interface ChartSeries {
  readonly quality: Columns;
  readonly bytes: Columns;
  readonly latency: Columns;
}

export function chartSeries(lines: readonly RoundLogLine[]): ChartSeries {
  const totals = [...lines].sort((a, b) => a.round - b.round).map(roundTotals);
  const rounds = totals.map((t) => t.round);
  // Bytes, latency and the queue only mean something for rounds with members (not an LM baseline).
  const membered = totals.filter((t) => t.phase !== "baseline");
  return {
    quality: [rounds, totals.map((t) => t.loss), totals.map((t) => t.quality)],
    bytes: [membered.map((t) => t.round), membered.map((t) => t.bytesUp), membered.map((t) => t.bytesDense)],
    latency: [
      membered.map((t) => t.round),
      membered.map((t) => t.roundLatencyMs / 1000),
      membered.map((t) => t.latencyBudgetMs / 1000),
      membered.map((t) => t.virtualQueue),
    ],
  };
}

/** One bar of the round timeline: a member's download, compute and upload laid end to end from the round's start
 * (participants report durations, not when each phase began). */
export interface TimelineBar {
  readonly clientId: string;
  readonly status: RoundLogClient["status"];
  readonly expectedLatencyMs: number;
  readonly phases: readonly {
    readonly phase: "download" | "compute" | "upload";
    readonly startMs: number;
    readonly ms: number;
  }[];
}

export function timelineOf(line: RoundLogLine): TimelineBar[] {
  return line.clients.map((c) => {
    let at = 0;
    const phases = (
      [
        ["download", c.downloadMs],
        ["compute", c.computeMs],
        ["upload", c.uploadMs],
      ] as const
    ).flatMap(([phase, ms]) => {
      if (ms === null) return [];
      const bar = { phase, startMs: at, ms };
      at += ms;
      return [bar];
    });
    return { clientId: c.id, status: c.status, expectedLatencyMs: c.expectedLatencyMs, phases };
  });
}

/** How many updates of each client were rejected over the logged rounds. */
export function rejectedUpdates(lines: readonly RoundLogLine[]): ReadonlyMap<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const c of line.clients) if (c.status === "rejected") counts.set(c.id, (counts.get(c.id) ?? 0) + 1);
  }
  return counts;
}
