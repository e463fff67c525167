// The round timeline: one bar per member of the last logged round, its download, compute and upload laid end to
// end from the round's start (reported durations), against what the schedule expected of it, the round's deadline
// and the latency budget. Plain SVG: a Gantt of a few rows needs no charting library.
import type { RoundLogLine } from "@airlora/protocol";
import { timelineOf } from "./round-figures";

const WIDTH = 1000;
const ROW = 22;
const LABEL = 130;
const COLORS = { download: "#0969da", compute: "#bf8700", upload: "#1a7f37" } as const;

export function RoundTimeline({ line }: { readonly line: RoundLogLine }) {
  const bars = timelineOf(line);
  if (bars.length === 0) return <p class="note">Round {line.round} had no members.</p>;
  const endOf = (b: (typeof bars)[number]): number => b.phases.reduce((end, p) => Math.max(end, p.startMs + p.ms), 0);
  const spanMs = Math.max(
    1,
    line.deadlineMs,
    line.latencyBudgetMs,
    line.roundLatencyMs,
    ...bars.map((b) => Math.max(endOf(b), b.expectedLatencyMs)),
  );
  const x = (ms: number): number => LABEL + ((WIDTH - LABEL - 10) * ms) / spanMs;
  const height = ROW * bars.length + 24;
  const markers = [
    { name: "deadline", ms: line.deadlineMs, color: "var(--bad)" },
    { name: "latency budget", ms: line.latencyBudgetMs, color: "var(--muted)" },
    { name: "round closed", ms: line.roundLatencyMs, color: "currentColor" },
  ];
  return (
    <figure class="timeline">
      <figcaption>
        Round {line.round} timeline: <Swatch color={COLORS.download} /> download <Swatch color={COLORS.compute} />{" "}
        compute <Swatch color={COLORS.upload} /> upload, end to end from the round's start; ticks: expected latency;
        lines: round closed ({seconds(line.roundLatencyMs)}), deadline ({seconds(line.deadlineMs)}), latency budget (
        {seconds(line.latencyBudgetMs)}).
      </figcaption>
      <svg
        viewBox={`0 0 ${String(WIDTH)} ${String(height)}`}
        width="100%"
        role="img"
        aria-label={`timeline of round ${String(line.round)}`}
        data-testid="round-timeline"
        data-round={line.round}
      >
        {bars.map((bar, row) => (
          <g key={bar.clientId} data-testid="timeline-row" data-client-id={bar.clientId} data-status={bar.status}>
            <text x={0} y={row * ROW + 15} font-size="12" fill="currentColor">
              {bar.clientId} {bar.status === "submitted" ? "" : `(${bar.status})`}
            </text>
            {bar.phases.map((p) => (
              <rect
                key={p.phase}
                data-phase={p.phase}
                data-ms={p.ms}
                x={x(p.startMs)}
                y={row * ROW + 4}
                width={Math.max(1, x(p.startMs + p.ms) - x(p.startMs))}
                height={ROW - 8}
                fill={COLORS[p.phase]}
              >
                <title>{`${p.phase}: ${seconds(p.ms)}`}</title>
              </rect>
            ))}
            <line
              x1={x(bar.expectedLatencyMs)}
              x2={x(bar.expectedLatencyMs)}
              y1={row * ROW + 1}
              y2={row * ROW + ROW - 1}
              stroke="currentColor"
              stroke-width="2"
            />
          </g>
        ))}
        {markers.map((m) => (
          <line
            key={m.name}
            x1={x(m.ms)}
            x2={x(m.ms)}
            y1={0}
            y2={height - 20}
            stroke={m.color}
            stroke-dasharray="4 3"
          />
        ))}
        <text x={LABEL} y={height - 4} font-size="11" fill="currentColor">
          0 s
        </text>
        <text x={WIDTH - 10} y={height - 4} font-size="11" fill="currentColor" text-anchor="end">
          {seconds(spanMs)}
        </text>
      </svg>
    </figure>
  );
}

function Swatch({ color }: { readonly color: string }) {
  return <span class="swatch" style={{ background: color }} />;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
