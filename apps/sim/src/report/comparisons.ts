// The report's comparison table (docs/simulator.md section 7): the questions the evaluation asks, answered from the
// groups of one setting (task, model, scenario, participants, local steps, budget) against SOFT + TSFA at the
// default V (the budget in seconds, squared). Differences are paired by seed: runs with the same seed share the
// data partition, the initial adapter and the channel, so the paired spread is the rule's effect, not the seed's.
// Pure.
import { meanAndSd, type MeanSd } from "@airlora/core";
import { pm, qualityOf, qualityPm } from "./format";
import type { GroupFigures, RunFigures } from "./summarise";

export interface Comparison {
  readonly question: string;
  readonly answer: string;
}

export interface ComparisonSet {
  /** task model scenario N steps budget */
  readonly setting: string;
  /** Which split the quality figures are on: test when the report read it for every group, else validation. */
  readonly split: "test" | "validation";
  readonly rows: readonly Comparison[];
}

const settingOf = (g: GroupFigures): string => {
  const r = g.runs[0];
  if (r === undefined) return "";
  return `${r.task} ${r.preset} ${r.scenario} N=${String(r.clients)} steps=${String(r.localSteps)} budget=${String(r.latencyBudgetMs / 1000)}s`;
};

export function compareGroups(groups: readonly GroupFigures[]): ComparisonSet[] {
  const settings = new Map<string, GroupFigures[]>();
  for (const g of groups) settings.set(settingOf(g), [...(settings.get(settingOf(g)) ?? []), g]);
  return [...settings.entries()].flatMap(([setting, members]) => {
    const reference = referenceGroup(members);
    return reference === undefined ? [] : [compareSetting(setting, members, reference)];
  });
}

/** SOFT + TSFA at the default V; the first SOFT + TSFA group if none ran at it. */
function referenceGroup(members: readonly GroupFigures[]): GroupFigures | undefined {
  const soft = members.filter((g) => g.runs[0]?.rule === "soft" && g.runs[0].scheduler === "tsfa");
  const atDefault = soft.find((g) => {
    const r = g.runs[0];
    return r !== undefined && Math.abs(r.penaltyWeight - (r.latencyBudgetMs / 1000) ** 2) < 1e-9;
  });
  return atDefault ?? soft[0];
}

function compareSetting(setting: string, members: readonly GroupFigures[], soft: GroupFigures): ComparisonSet {
  const split = members.every((g) => g.testQuality !== undefined) ? "test" : "validation";
  const kind = soft.qualityKind;
  const pick = (f: RunFigures): number => (split === "test" ? (f.testQuality ?? Number.NaN) : f.quality);
  const quality = (g: GroupFigures): MeanSd => meanAndSd(g.figures.map(pick));
  const q = (g: GroupFigures): string => qualityPm(quality(g), kind);
  const better = kind === "accuracy" ? "higher" : "lower";
  /** other - base, paired by seed; base is SOFT unless named. */
  const diff = (other: GroupFigures, name: string, base = soft, baseName = "SOFT"): string => {
    const d = pairedDifference(base, other, pick);
    if (d === undefined) return "no seed in common";
    const shown = kind === "accuracy" ? `${pm(d.difference, 2, 100)} points` : pm(d.difference, 2);
    return `${name} - ${baseName}, paired over seeds ${d.seeds.join(", ")}: ${shown} (${better} is better)`;
  };
  const mb = (g: GroupFigures): string => `${g.mbUp.mean.toFixed(2)} MB`;
  const lat = (g: GroupFigures): string => pm(g.latencyOverBudget, 2);
  const rule = (name: string): GroupFigures | undefined =>
    members.find((g) => g.runs[0]?.rule === name && g.runs[0].scheduler === "tsfa");
  const rows: Comparison[] = [];

  const fedit = rule("fedit");
  if (fedit !== undefined) {
    rows.push({
      question: "SOFT against dense fedit: quality, at what fraction of its bytes",
      answer: `SOFT ${q(soft)} with ${mb(soft)} up, fedit ${q(fedit)} with ${mb(fedit)}: SOFT sends ${(100 * (soft.mbUp.mean / fedit.mbUp.mean)).toFixed(1)}% of fedit's bytes. ${diff(fedit, "fedit")}. Latency / budget: SOFT ${lat(soft)}, fedit ${lat(fedit)}.`,
    });
  }
  const topk = rule("topk");
  if (topk !== undefined) {
    rows.push({
      question: "fair top-k against SOFT at equal bytes (the same byte budgets)",
      answer: `top-k ${q(topk)} with ${mb(topk)} up, SOFT ${q(soft)} with ${mb(soft)}. ${diff(topk, "top-k")}. Energy lost per update: top-k ${pm(topk.energyLost, 3)}, SOFT ${pm(soft.energyLost, 3)}.`,
    });
  }
  const ffa = rule("ffa");
  if (ffa !== undefined) {
    rows.push({
      question: "FFA-LoRA (A frozen, B sent) against SOFT",
      answer: `ffa ${q(ffa)} with ${mb(ffa)} up, SOFT ${q(soft)} with ${mb(soft)}. ${diff(ffa, "ffa")}.`,
    });
  }
  const withFeedback = rule("soft+ef");
  if (withFeedback !== undefined) {
    rows.push({
      question: "SOFT with error feedback (what an update leaves out is carried into the next) against SOFT",
      answer: `soft+ef ${q(withFeedback)} with ${mb(withFeedback)} up, SOFT ${q(soft)} with ${mb(soft)}. ${diff(withFeedback, "soft+ef")}. Energy lost per update: soft+ef ${pm(withFeedback.energyLost, 3)}, SOFT ${pm(soft.energyLost, 3)}.`,
    });
  }
  const topkWithFeedback = rule("topk+ef");
  if (topk !== undefined && topkWithFeedback !== undefined) {
    rows.push({
      question: "top-k with error feedback against top-k",
      answer: `topk+ef ${q(topkWithFeedback)} with ${mb(topkWithFeedback)} up, top-k ${q(topk)} with ${mb(topk)}. ${diff(topkWithFeedback, "topk+ef", topk, "top-k")}.`,
    });
  }
  if (withFeedback !== undefined && topk !== undefined) {
    rows.push({
      question: "SOFT with error feedback against plain top-k (does the carry close SOFT's gap?)",
      answer: `soft+ef ${q(withFeedback)} with ${mb(withFeedback)} up, top-k ${q(topk)} with ${mb(topk)}. ${diff(withFeedback, "soft+ef", topk, "top-k")}.`,
    });
  }
  const fixed = members
    .filter((g) => g.runs[0]?.rule === "soft" && g.runs[0].scheduler === "fixed")
    .sort((a, b) => a.latencyOverBudget.mean - b.latencyOverBudget.mean);
  if (fixed.length > 0) rows.push(againstFixed(soft, fixed, quality, q, kind));
  rows.push({
    question: "how well the latency budget is held (time average of round latency over the budget)",
    answer: members
      .map((g) => `${g.key.split(" ").slice(2, 4).join(" ")} V=${String(g.runs[0]?.penaltyWeight)}: ${lat(g)}`)
      .join("; "),
  });
  const sweep = members
    .filter((g) => g.runs[0]?.rule === "soft" && g.runs[0].scheduler === "tsfa")
    .sort((a, b) => (a.runs[0]?.penaltyWeight ?? 0) - (b.runs[0]?.penaltyWeight ?? 0));
  if (sweep.length > 1) {
    rows.push({
      question: "energy lost against V (SOFT + TSFA)",
      answer: sweep
        .map(
          (g) =>
            `V=${String(g.runs[0]?.penaltyWeight)}: energy lost ${pm(g.energyLost, 3)}, latency / budget ${lat(g)}, quality ${q(g)}, ${mb(g)} up`,
        )
        .join("; "),
    });
  }
  return { setting, split, rows };
}

/** TSFA against the fixed baseline at TSFA's own mean latency: fixed's quality and energy interpolated between the
 * two kept ratios whose latencies bracket it (or the nearest, said so), and the simulated time each needs to reach
 * fixed's final quality. */
function againstFixed(
  soft: GroupFigures,
  fixed: readonly GroupFigures[],
  quality: (g: GroupFigures) => MeanSd,
  q: (g: GroupFigures) => string,
  kind: GroupFigures["qualityKind"],
): Comparison {
  const target = soft.latencyOverBudget.mean;
  const name = (g: GroupFigures): string => `fixed(k/m=${String(g.runs[0]?.keptRatio)})`;
  const below = [...fixed].reverse().find((g) => g.latencyOverBudget.mean <= target);
  const above = fixed.find((g) => g.latencyOverBudget.mean >= target);
  let atLatency: string;
  if (below !== undefined && above !== undefined && below !== above) {
    const w = (target - below.latencyOverBudget.mean) / (above.latencyOverBudget.mean - below.latencyOverBudget.mean);
    const mix = (a: number, b: number): number => a + w * (b - a);
    const fq = mix(quality(below).mean, quality(above).mean);
    const fe = mix(below.energyLost.mean, above.energyLost.mean);
    atLatency = `at TSFA's latency (${target.toFixed(2)} of the budget), fixed interpolated between ${name(below)} and ${name(above)} would reach ${qualityOf(fq, kind)} and lose ${fe.toFixed(3)} of the energy; TSFA reaches ${q(soft)} and loses ${pm(soft.energyLost, 3)}`;
  } else {
    const nearest = below ?? above ?? fixed[0];
    atLatency =
      nearest === undefined
        ? ""
        : `no fixed run brackets TSFA's latency (${target.toFixed(2)} of the budget); the nearest, ${name(nearest)} at ${nearest.latencyOverBudget.mean.toFixed(2)}, reaches ${q(nearest)} and loses ${pm(nearest.energyLost, 3)}; TSFA reaches ${q(soft)} and loses ${pm(soft.energyLost, 3)}`;
  }
  const times = fixed.map((g) => {
    const last = g.curve.at(-1);
    if (last === undefined) return "";
    const reached = timeToReach(soft, last.quality, kind);
    return `${name(g)} ends at ${qualityOf(last.quality, kind)} (validation) after ${last.seconds.toFixed(1)} s; TSFA ${reached === undefined ? "does not reach it" : `reaches it after ${reached.toFixed(1)} s`}`;
  });
  return {
    question: "TSFA against fixed at equal average latency: energy lost, time to fixed's final quality",
    answer: [atLatency, ...times].filter((t) => t !== "").join(". ") + ".",
  };
}

/** Simulated seconds until the group's mean validation curve first reaches `target`; undefined if it never does. */
export function timeToReach(
  group: GroupFigures,
  target: number,
  kind: GroupFigures["qualityKind"],
): number | undefined {
  const point = group.curve.find((p) => (kind === "accuracy" ? p.quality >= target : p.quality <= target));
  return point?.seconds;
}

/** other - reference over the seeds both ran, seed by seed. */
export function pairedDifference(
  reference: GroupFigures,
  other: GroupFigures,
  pick: (f: RunFigures) => number,
): { readonly difference: MeanSd; readonly seeds: readonly number[] } | undefined {
  const bySeed = new Map(reference.runs.map((r, i) => [r.seed, reference.figures[i]]));
  const seeds: number[] = [];
  const differences: number[] = [];
  other.runs.forEach((run, i) => {
    const mine = other.figures[i];
    const theirs = bySeed.get(run.seed);
    if (mine === undefined || theirs === undefined) return;
    seeds.push(run.seed);
    differences.push(pick(mine) - pick(theirs));
  });
  return seeds.length === 0 ? undefined : { difference: meanAndSd(differences), seeds };
}
