// Reads a run directory's rounds.jsonl the way any tool would: every line parsed against the protocol's schema.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RoundLogLine } from "@airlora/protocol";

export function readRoundLog(runDir: string): RoundLogLine[] {
  const text = readFileSync(join(runDir, "rounds.jsonl"), "utf8");
  return text
    .trim()
    .split("\n")
    .map((line) => RoundLogLine.parse(JSON.parse(line)));
}

export function accuracyOf(line: RoundLogLine | undefined): number {
  return line?.eval !== null && line?.eval !== undefined && "accuracy" in line.eval ? line.eval.accuracy : Number.NaN;
}

export function perplexityOf(line: RoundLogLine | undefined): number {
  return line?.eval !== null && line?.eval !== undefined && "perplexity" in line.eval
    ? line.eval.perplexity
    : Number.NaN;
}
