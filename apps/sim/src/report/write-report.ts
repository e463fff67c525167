// `airlora report RUN_DIRS... --out DIR` (docs/simulator.md section 7): report.md and its SVG charts from finished
// run directories. Runs that differ only in their seed form a group; every figure is the mean +- standard deviation
// over the group's seeds, and the table says how many there were.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { adapterMovement } from "@airlora/coordinator";
import { fail, meanAndSd, ok, type MeanSd, type Result } from "@airlora/core";
import { energyAgainstV, latencyAgainstBudget, qualityAgainstBytes, qualityAgainstTime } from "./charts";
import { compareGroups, type ComparisonSet } from "./comparisons";
import { pm, qualityPm } from "./format";
import { readRun, type RunRecord } from "./read-run";
import { groupFigures, type GroupFigures } from "./summarise";

const CHARTS = {
  "quality-vs-uplink.svg": qualityAgainstBytes,
  "quality-vs-time.svg": qualityAgainstTime,
  "latency-vs-budget.svg": latencyAgainstBudget,
  "energy-vs-V.svg": energyAgainstV,
} as const;

/** The test split's readings, by run id, kept next to the report so that it is read once (`--test`), not each time
 * the report is written again. */
export const TEST_READINGS_FILE = "test-readings.json";

function table(groups: readonly GroupFigures[]): string {
  const format = (g: GroupFigures, x: MeanSd | undefined): string =>
    x === undefined ? "not read" : qualityPm(x, g.qualityKind);
  const rows = groups.map(
    (g) =>
      `| ${g.key} | ${g.seeds.join(", ")} | ${format(g, g.quality)} | ${format(g, g.testQuality)} | ${pm(g.mbUp, 2)} | ${pm(g.shareOfDense, 1, 100)}% | ${pm(g.latencyOverBudget, 2)} | ${pm(g.energyLost, 3)} |`,
  );
  return [
    "| settings (task model rule scheduler scenario N steps budget V) | seeds | validation quality | test quality | MB up | of dense | latency / budget | energy lost |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function comparisonTables(sets: readonly ComparisonSet[]): string[] {
  return sets.flatMap((set) => [
    `### ${set.setting} (quality on the ${set.split} split)`,
    "",
    "| question | answer |",
    "| --- | --- |",
    ...set.rows.map((row) => `| ${row.question} | ${row.answer} |`),
    "",
  ]);
}

/** Per group and module kind (a module's last name: wte, q, v, o, fc, proj; layers combined as a root sum of
 * squares), how far the global product moved from round 0 to the last round, mean +- sd over the seeds. */
function movementTable(groups: readonly GroupFigures[]): string[] {
  const rows: { key: string; kinds: Map<string, number[]> }[] = groups.map((g) => {
    const kinds = new Map<string, number[]>();
    for (const run of g.runs) {
      const moved = adapterMovement(run.dir);
      if (!moved.ok) continue;
      const squares = new Map<string, number>();
      for (const { module, change } of moved.value) {
        const kind = module.split(".").at(-1) ?? module;
        squares.set(kind, (squares.get(kind) ?? 0) + change * change);
      }
      for (const [kind, square] of squares) kinds.set(kind, [...(kinds.get(kind) ?? []), Math.sqrt(square)]);
    }
    return { key: g.key, kinds };
  });
  const kinds = [...new Set(rows.flatMap((r) => [...r.kinds.keys()]))];
  if (kinds.length === 0) return [];
  return [
    "## Where the adapter moved",
    "",
    "How far each kind of module's global product moved over the run, ||B A - B0 A0||_F from round 0's checkpoint to",
    "the last (layers combined as a root sum of squares), mean +- sd over the seeds: which modules a rule's",
    "sparsification starved.",
    "",
    `| settings | ${kinds.join(" | ")} |`,
    `| --- | ${kinds.map(() => "---").join(" | ")} |`,
    ...rows.map(
      (r) =>
        `| ${r.key} | ${kinds
          .map((k) => {
            const values = r.kinds.get(k);
            return values === undefined ? "-" : pm(meanAndSd(values), 3);
          })
          .join(" | ")} |`,
    ),
    "",
  ];
}

function readTestReadings(out: string): Result<Map<string, number>> {
  const path = join(out, TEST_READINGS_FILE);
  if (!existsSync(path)) return ok(new Map());
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return fail({
      code: "bad-readings",
      reason: `${path}: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  const entries =
    typeof parsed === "object" && parsed !== null
      ? Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === "number")
      : [];
  return ok(new Map(entries));
}

/** `newReadings`: test-split figures just read, by run id; they join those already kept in the out folder. */
export function writeReport(
  dirs: readonly string[],
  out: string,
  newReadings: ReadonlyMap<string, number> = new Map(),
): Result<{ readonly groups: number; readonly runs: number; readonly tested: number }> {
  const runs: RunRecord[] = [];
  for (const dir of dirs) {
    const run = readRun(dir);
    if (!run.ok) return run;
    runs.push(run.value);
  }
  if (runs.length === 0) return fail({ code: "no-runs", reason: "name at least one run directory" });
  mkdirSync(out, { recursive: true });
  const kept = readTestReadings(out);
  if (!kept.ok) return kept;
  const readings = new Map([...kept.value, ...newReadings]);
  if (newReadings.size > 0) {
    writeFileSync(join(out, TEST_READINGS_FILE), `${JSON.stringify(Object.fromEntries(readings), null, 2)}\n`);
  }
  const byDir = new Map(
    runs.flatMap((r) => {
      const reading = readings.get(r.runId);
      return reading === undefined ? [] : [[r.dir, reading] as const];
    }),
  );
  const groups = groupFigures(runs, byDir);
  for (const [file, draw] of Object.entries(CHARTS)) writeFileSync(join(out, file), draw(groups));
  const report = [
    "# Evaluation report",
    "",
    `Generated by \`airlora report\` from ${String(runs.length)} run directories in ${String(groups.length)} groups.`,
    "Each row is the mean +- standard deviation over the seeds listed; quality is on the validation split after the",
    "last round; test quality is the last global adapter on the test split, read once (`airlora report --test`); MB up",
    "and its share of dense count the LoRA rounds' uploads; latency / budget is the time average of the LoRA rounds;",
    "energy lost is the mean over submitted updates of what sparsification dropped.",
    "",
    table(groups),
    "",
    "## Comparisons",
    "",
    "Against SOFT + TSFA at the default V (the budget in seconds, squared), in each setting. Differences are paired by",
    "seed (the same partition, initial adapter and channel).",
    "",
    ...comparisonTables(compareGroups(groups)),
    ...movementTable(groups),
    "![validation quality against cumulative uplink](quality-vs-uplink.svg)",
    "",
    "![validation quality against simulated time](quality-vs-time.svg)",
    "",
    "![round latency against the budget](latency-vs-budget.svg)",
    "",
    "![energy lost against V](energy-vs-V.svg)",
    "",
    "Runs:",
    "",
    ...runs.map(
      (r) => `- \`${r.runId}\`: ${r.task} ${r.preset} ${r.rule} ${r.scheduler} ${r.scenario}, seed ${String(r.seed)}`,
    ),
    "",
  ].join("\n");
  writeFileSync(join(out, "report.md"), report);
  return ok({ groups: groups.length, runs: runs.length, tested: byDir.size });
}
