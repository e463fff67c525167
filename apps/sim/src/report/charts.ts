// The report's charts as standalone SVG (docs/simulator.md section 7), drawn by Observable Plot into a server-side
// DOM (linkedom): quality against cumulative uplink megabytes and against simulated time, and round latency against
// the budget, one line per group (the mean over its seeds), each labelled at its end.
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import type { GroupFigures } from "./summarise";

const SVG_NS = "http://www.w3.org/2000/svg";

interface Point {
  readonly group: string;
  readonly x: number;
  readonly y: number;
}

function lines(
  points: readonly Point[],
  x: string,
  y: string,
  extra: Plot.Markish[] = [],
  scales: { readonly x?: { readonly type: "log" } } = {},
): string {
  const { document } = parseHTML("<!doctype html><html><body></body></html>");
  const svg = Plot.plot({
    document,
    width: 760,
    height: 380,
    marginRight: 230,
    grid: true,
    x: { label: x, ...scales.x },
    y: { label: y },
    color: { type: "categorical" },
    marks: [
      ...extra,
      Plot.line(points, { x: "x", y: "y", z: "group", stroke: "group", marker: "circle" }),
      Plot.text(
        points,
        Plot.selectLast({ x: "x", y: "y", z: "group", text: "group", fill: "group", dx: 6, textAnchor: "start" }),
      ),
    ],
  });
  svg.setAttribute("xmlns", SVG_NS);
  return svg.outerHTML;
}

const label = (g: GroupFigures): string => g.key.split(" ").slice(2, 5).join(" ");

export function qualityAgainstBytes(groups: readonly GroupFigures[]): string {
  const points = groups.flatMap((g) => g.curve.map((p) => ({ group: label(g), x: p.mbUp, y: p.quality })));
  return lines(points, "cumulative uplink, MB", `validation ${groups[0]?.qualityKind ?? "quality"}`);
}

export function qualityAgainstTime(groups: readonly GroupFigures[]): string {
  const points = groups.flatMap((g) => g.curve.map((p) => ({ group: label(g), x: p.seconds, y: p.quality })));
  return lines(points, "simulated time, s", `validation ${groups[0]?.qualityKind ?? "quality"}`);
}

export function latencyAgainstBudget(groups: readonly GroupFigures[]): string {
  const points = groups.flatMap((g) =>
    g.runs[0] === undefined
      ? []
      : g.runs[0].lines
          .filter((l) => l.phase === "lora")
          .map((l) => ({ group: label(g), x: l.round, y: l.roundLatencyMs / l.latencyBudgetMs })),
  );
  return lines(points, "round (first seed)", "round latency / budget", [Plot.ruleY([1], { strokeDasharray: "4 3" })]);
}

/** SOFT + TSFA's mean energy lost per update against V, one line per setting, V on a log scale. */
export function energyAgainstV(groups: readonly GroupFigures[]): string {
  const points = groups
    .filter((g) => g.runs[0]?.rule === "soft" && g.runs[0].scheduler === "tsfa")
    .map((g) => ({
      group: [g.runs[0]?.task, g.runs[0]?.scenario, `N=${String(g.runs[0]?.clients)}`].join(" "),
      x: g.runs[0]?.penaltyWeight ?? Number.NaN,
      y: g.energyLost.mean,
    }))
    .sort((a, b) => a.x - b.x);
  return lines(points, "V, s^2 (log scale)", "energy lost per update (SOFT + TSFA)", [], { x: { type: "log" } });
}
