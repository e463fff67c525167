// `airlora report --test` (docs/simulator.md section 7): each finished run's last global adapter scored on the test
// split, once, in one evaluation worker; the figure is accuracy (spam) or perplexity (sotu), by run id.
import { readTestSplit, startEvaluator } from "@airlora/coordinator";
import { ok, type Result } from "@airlora/core";

export async function readTestSplits(
  dirs: readonly string[],
  onRead: (done: number, dir: string) => void = () => undefined,
): Promise<Result<Map<string, number>>> {
  const evaluator = startEvaluator();
  try {
    const readings = new Map<string, number>();
    for (const [index, dir] of dirs.entries()) {
      const reading = await readTestSplit(dir, evaluator);
      if (!reading.ok) return reading;
      const e = reading.value.evaluation;
      readings.set(reading.value.runId, "accuracy" in e ? e.accuracy : e.perplexity);
      onRead(index + 1, dir);
    }
    return ok(readings);
  } finally {
    await evaluator.close();
  }
}
