import { describe, expect, it } from "vitest";
import type { RoundLogLine } from "@airlora/protocol";
import { compareGroups, pairedDifference, timeToReach } from "./comparisons";
import type { RunRecord } from "./read-run";
import { groupFigures } from "./summarise";

type Client = RoundLogLine["clients"][number];
const submitted = (bytesUp: number, energyLost: number): Client =>
  ({ status: "submitted", bytesUp, bytesDense: 1000, energyLost }) as Client;

interface Shape {
  readonly rule?: string;
  readonly scheduler?: string;
  readonly keptRatio?: number;
  readonly penaltyWeight?: number;
  /** Perplexity after rounds 1 and 2. */
  readonly perplexity: readonly [number, number];
  readonly latencyMs: number;
  readonly bytesUp: number;
  readonly energyLost: number;
}

const line = (round: number, latencyMs: number, perplexity: number, clients: Client[]): RoundLogLine =>
  ({
    round,
    phase: round === 0 ? "baseline" : "lora",
    startedAt: 10_000 * round,
    endedAt: 10_000 * round + latencyMs,
    roundLatencyMs: latencyMs,
    latencyBudgetMs: 3000,
    eval: { loss: Math.log(perplexity), perplexity, examples: 10 },
    clients,
  }) as RoundLogLine;

const run = (seed: number, shape: Shape): RunRecord => ({
  dir: `${shape.rule ?? "soft"}-${shape.scheduler ?? "tsfa"}-${String(shape.keptRatio)}-${String(shape.penaltyWeight)}-${String(seed)}`,
  runId: `r${String(seed)}`,
  task: "sotu",
  preset: "nano",
  rule: shape.rule ?? "soft",
  scheduler: shape.scheduler ?? "tsfa",
  seed,
  penaltyWeight: shape.penaltyWeight ?? 9,
  latencyBudgetMs: 3000,
  keptRatio: shape.keptRatio ?? 0.5,
  queueFloorSec: (shape.penaltyWeight ?? 9) / 3,
  localSteps: 10,
  scenario: "crowded",
  clients: 2,
  lines: [
    line(0, 0, 250, []),
    line(1, shape.latencyMs, shape.perplexity[0] + seed, [submitted(shape.bytesUp, shape.energyLost)]),
    line(2, shape.latencyMs, shape.perplexity[1] + seed, [submitted(shape.bytesUp, shape.energyLost)]),
  ],
});

const seeds = (shape: Shape): RunRecord[] => [0, 1, 2].map((seed) => run(seed, shape));

const soft: Shape = { perplexity: [245, 240], latencyMs: 2400, bytesUp: 300, energyLost: 0.2 };
const groups = groupFigures([
  ...seeds(soft),
  ...seeds({ ...soft, rule: "fedit", perplexity: [244, 239], latencyMs: 6000, bytesUp: 1000, energyLost: 0 }),
  ...seeds({ ...soft, rule: "topk", perplexity: [246, 242] }),
  ...seeds({ ...soft, rule: "soft+ef", perplexity: [244, 238.5] }),
  ...seeds({ ...soft, rule: "topk+ef", perplexity: [245, 241.25] }),
  ...seeds({ ...soft, scheduler: "fixed", keptRatio: 0.25, latencyMs: 1800, perplexity: [247, 244], energyLost: 0.5 }),
  ...seeds({ ...soft, scheduler: "fixed", keptRatio: 0.5, latencyMs: 3000, perplexity: [246, 241], energyLost: 0.3 }),
  ...seeds({ ...soft, penaltyWeight: 1, energyLost: 0.4, latencyMs: 2000 }),
]);

describe("report comparisons", () => {
  const [set] = compareGroups(groups);
  const answer = (start: string): string => set?.rows.find((r) => r.question.startsWith(start))?.answer ?? "";

  it("answer against SOFT + TSFA at the default V, on validation when the test split was not read", () => {
    expect(set?.setting).toBe("sotu nano crowded N=2 steps=10 budget=3s");
    expect(set?.split).toBe("validation");
    expect(answer("SOFT against dense fedit")).toContain("SOFT sends 30.0% of fedit's bytes");
    expect(answer("SOFT against dense fedit")).toContain("fedit - SOFT, paired over seeds 0, 1, 2: -1.00 +- 0.00");
    expect(answer("fair top-k")).toContain("top-k - SOFT, paired over seeds 0, 1, 2: 2.00 +- 0.00");
    expect(answer("SOFT with error feedback (")).toContain("soft+ef - SOFT, paired over seeds 0, 1, 2: -1.50 +- 0.00");
    expect(answer("top-k with error feedback")).toContain("topk+ef - top-k, paired over seeds 0, 1, 2: -0.75 +- 0.00");
    expect(answer("SOFT with error feedback against plain top-k")).toContain(
      "soft+ef - top-k, paired over seeds 0, 1, 2: -3.50 +- 0.00",
    );
    expect(answer("energy lost against V")).toMatch(/^V=1: energy lost 0\.400 .*; V=9: energy lost 0\.200 /u);
  });

  it("interpolate fixed between the kept ratios that bracket TSFA's latency, and time TSFA to fixed's quality", () => {
    // TSFA at 0.8 of the budget lies between fixed 0.25 (0.6) and 0.5 (1.0), halfway: 242.5 +1 (mean seed), 0.4.
    expect(answer("TSFA against fixed")).toContain(
      "between fixed(k/m=0.25) and fixed(k/m=0.5) would reach 243.50 and lose 0.400",
    );
    // fixed(0.5) ends at 242 after 23 s of simulated time (its mean curve); TSFA passes it in round 2, at 22.4 s.
    expect(answer("TSFA against fixed")).toContain("fixed(k/m=0.5) ends at 242.00 (validation) after 23.0 s");
    const tsfa = groups.find((g) => g.key.includes("soft tsfa") && g.key.endsWith("V=9"));
    if (tsfa === undefined) throw new Error("no reference group");
    expect(timeToReach(tsfa, 242, "perplexity")).toBeCloseTo(22.4, 9);
    expect(timeToReach(tsfa, 230, "perplexity")).toBeUndefined();
  });

  it("pair differences by seed and use the test split once every group has it", () => {
    const [a, b] = groups;
    if (a === undefined || b === undefined) throw new Error("groups missing");
    const d = pairedDifference(a, { ...b, runs: b.runs.slice(1), figures: b.figures.slice(1) }, (f) => f.quality);
    expect(d?.seeds).toEqual([1, 2]);
    const tested = groupFigures(
      groups.flatMap((g) => g.runs),
      new Map(groups.flatMap((g) => g.runs).map((r) => [r.dir, 100 + r.seed])),
    );
    expect(compareGroups(tested)[0]?.split).toBe("test");
  });
});
