// One run directory as the report reads it (docs/interfaces.md section 4): the manifest's settings and simulation
// block, every round log line checked against the protocol's schema, and the summary. A directory that is not a
// finished run is refused with the reason, never half-read.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import { RoundLogLine, parseMessage } from "@airlora/protocol";

export interface RunRecord {
  readonly dir: string;
  readonly runId: string;
  readonly task: string;
  readonly preset: string;
  /** The aggregation rule, with "+ef" when participants ran error feedback (`--error-feedback`). */
  readonly rule: string;
  readonly scheduler: string;
  readonly seed: number;
  /** V, s^2. */
  readonly penaltyWeight: number;
  readonly latencyBudgetMs: number;
  /** `--scheduler fixed`'s share of rank components kept. */
  readonly keptRatio: number;
  /** The place-holder backlog stage 2 added to Q, s (V / budget unless `--queue-floor` set it). */
  readonly queueFloorSec: number;
  readonly localSteps: number;
  /** The channel scenario and participants of a simulated run; "live" and the ready count for a real one. */
  readonly scenario: string;
  readonly clients: number;
  readonly lines: readonly RoundLogLine[];
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

export function readRun(dir: string): Result<RunRecord> {
  const refuse = (reason: string) => fail({ code: "bad-run", reason: `${dir}: ${reason}` });
  for (const file of ["manifest.json", "rounds.jsonl", "summary.json"]) {
    if (!existsSync(join(dir, file))) return refuse(`no ${file} (not a finished run directory)`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  } catch (error) {
    return refuse(`manifest.json: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(manifest) || !isRecord(manifest.settings)) return refuse("manifest.json has no settings");
  const s = manifest.settings;
  const text = (key: string): string | undefined => (typeof s[key] === "string" ? s[key] : undefined);
  const num = (key: string): number | undefined => (typeof s[key] === "number" ? s[key] : undefined);
  const [task, preset, rule, scheduler] = [text("task"), text("preset"), text("rule"), text("scheduler")];
  const [seed, penaltyWeight, latencyBudgetMs] = [num("seed"), num("penaltyWeight"), num("latencyBudgetMs")];
  const [keptRatio, localSteps] = [num("keptRatio"), num("localSteps")];
  if (
    task === undefined ||
    preset === undefined ||
    rule === undefined ||
    scheduler === undefined ||
    seed === undefined ||
    penaltyWeight === undefined ||
    latencyBudgetMs === undefined ||
    keptRatio === undefined ||
    localSteps === undefined
  ) {
    return refuse(
      "manifest.json settings lack task, preset, rule, scheduler, seed, penaltyWeight, latencyBudgetMs, keptRatio or localSteps",
    );
  }
  const lines: RoundLogLine[] = [];
  for (const [n, raw] of readFileSync(join(dir, "rounds.jsonl"), "utf8").split("\n").entries()) {
    if (raw.trim() === "") continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return refuse(`rounds.jsonl line ${String(n + 1)} is not JSON`);
    }
    const line = parseMessage(RoundLogLine, parsed);
    if (!line.ok) return refuse(`rounds.jsonl line ${String(n + 1)}: ${line.error.reason}`);
    lines.push(line.value);
  }
  if (lines.length === 0) return refuse("rounds.jsonl is empty");
  const simulation = isRecord(manifest.simulation) ? manifest.simulation : undefined;
  return ok({
    dir,
    runId: typeof manifest.runId === "string" ? manifest.runId : dir,
    task,
    preset,
    // A rule with error feedback is another rule to compare, not a seed of the same one.
    rule: s.errorFeedback === true ? `${rule}+ef` : rule,
    scheduler,
    seed,
    penaltyWeight,
    latencyBudgetMs,
    keptRatio,
    queueFloorSec: num("queueFloorSec") ?? penaltyWeight / (latencyBudgetMs / 1000),
    localSteps,
    scenario: typeof simulation?.scenario === "string" ? simulation.scenario : "live",
    clients:
      typeof simulation?.clients === "number" ? simulation.clients : Math.max(...lines.map((l) => l.clients.length)),
    lines,
  });
}
