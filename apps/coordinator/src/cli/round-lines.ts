// What `airlora start` prints for people as the run goes: one line when it starts, one per logged round, one at the
// end. (Structured logs go to stderr; this is stdout.)
import type { RoundLogLine } from "@airlora/protocol";
import type { Effect } from "@airlora/rounds";

export function describeEffect(effect: Effect): string | undefined {
  switch (effect.type) {
    case "run-started":
      return `  Started: LoRA rank ${String(effect.rank)} (${effect.stage1?.reason ?? "--rank"}).`;
    case "log-round":
      return describeRound(effect.line);
    case "finished": {
      const { summary } = effect;
      const saved = summary.bytesDense > 0 ? 1 - summary.bytesUp / summary.bytesDense : 0;
      return (
        `  Done after ${String(summary.rounds)} LoRA rounds: ${quality(summary.finalEval)}, ` +
        `mean round ${seconds(summary.meanRoundLatencyMs)} (budget ${seconds(summary.latencyBudgetMs)}), ` +
        `${(100 * saved).toFixed(0)}% fewer bytes up than dense.`
      );
    }
    default:
      return undefined;
  }
}

export function describeRound(line: RoundLogLine): string {
  const submitted = line.clients.filter((c) => c.status === "submitted");
  const up = submitted.reduce((s, c) => s + c.bytesUp, 0);
  const dense = submitted.reduce((s, c) => s + c.bytesDense, 0);
  const others = line.clients.filter((c) => c.status !== "submitted").map((c) => `${c.status} ${c.id}`);
  const parts = [
    `  Round ${String(line.round)} (${line.phase})`,
    quality(line.eval),
    line.phase === "baseline" ? undefined : `${seconds(line.roundLatencyMs)} of ${seconds(line.latencyBudgetMs)}`,
    line.phase === "lora" ? `Q ${line.virtualQueue.toFixed(1)} s` : undefined,
    line.phase === "baseline" ? undefined : `${String(submitted.length)}/${String(line.clients.length)} submitted`,
    line.phase === "lora" && dense > 0 ? `${kb(up)} up of ${kb(dense)} dense` : undefined,
    line.aggregated || line.phase === "baseline" ? undefined : "not aggregated",
    others.length > 0 ? others.join(", ") : undefined,
  ];
  return parts.filter((p) => p !== undefined).join(" · ");
}

function quality(evaluation: RoundLogLine["eval"]): string {
  if (evaluation === null) return "not evaluated";
  return "accuracy" in evaluation
    ? `accuracy ${(100 * evaluation.accuracy).toFixed(1)}%`
    : `perplexity ${evaluation.perplexity.toFixed(1)}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(0)} KiB`;
