// The live dashboard (docs/protocol.md section 7): who is connected on which device and backend, what the schedule
// gave each in the last round and what it cost, the run's curves, the round timeline, the join QR code, and the
// admin's controls. Every number about a round comes from the round log lines (the ones /api/rounds serves).
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type {
  ClientSummary,
  ControlAck,
  ControlAction,
  JoinInfo,
  RefusalCounts,
  RoundLogLine,
  RunView,
} from "@airlora/protocol";
import { Chart } from "./chart";
import { bytes, ClientsTable } from "./clients-table";
import { connectDashboard, type DashboardConnection, type DashboardLink, type LiveRound } from "./dashboard-connection";
import { JoinPanel } from "./join-panel";
import { chartSeries, qualityName, roundTotals } from "./round-figures";
import { RoundTimeline } from "./timeline";
import { RunControls } from "./run-controls";

export function DashboardApp({ adminToken }: { readonly adminToken: string }) {
  const [link, setLink] = useState<DashboardLink>({ kind: "connecting" });
  const [clients, setClients] = useState<readonly ClientSummary[]>([]);
  const [badMessage, setBadMessage] = useState<string | null>(null);
  const [run, setRun] = useState<RunView | null>(null);
  const [rounds, setRounds] = useState<readonly RoundLogLine[]>([]);
  const [join, setJoin] = useState<JoinInfo | null>(null);
  const [live, setLive] = useState<LiveRound | undefined>(undefined);
  const [refusals, setRefusals] = useState<RefusalCounts>({ total: 0, byCode: {} });
  const connection = useRef<DashboardConnection | null>(null);

  useEffect(() => {
    const opened = connectDashboard({
      adminToken,
      onLink: setLink,
      onClients: setClients,
      onRun: setRun,
      onRounds: setRounds,
      onBadMessage: setBadMessage,
      onJoin: setJoin,
      onLiveRound: setLive,
      onRefusals: setRefusals,
    });
    connection.current = opened;
    return () => {
      opened.socket.disconnect();
      connection.current = null;
    };
  }, [adminToken]);

  const control = (action: ControlAction): Promise<ControlAck> =>
    connection.current?.control(action) ??
    Promise.resolve({ ok: false, code: "offline", reason: "not connected to the coordinator" });

  // A wrong admin token: the refusal and nothing else (nothing below was sent anyway).
  if (link.kind === "refused") {
    return (
      <main>
        <h1>AirLoRA · dashboard</h1>
        <p class="pill bad" data-testid="dashboard-refused">
          refused: {link.reason}
        </p>
      </main>
    );
  }

  const connected = clients.filter((c) => c.connected).length;
  const last = rounds.at(-1);
  // The round in flight, if one is: a round-started newer than the last logged line.
  const inFlight = live !== undefined && (last === undefined || live.started.round > last.round) ? live : undefined;
  return (
    <main>
      <h1>AirLoRA · dashboard</h1>
      <p>
        <LinkPill link={link} />{" "}
        <span data-testid="connected-count" data-count={connected}>
          {connected} connected
        </span>
        {clients.length > connected && <span class="note"> · {clients.length - connected} away</span>}
      </p>
      {run !== null && (
        <>
          <p
            class="note"
            data-testid="run-activity"
            data-state={run.state}
            data-round={run.round}
            data-paused={String(run.paused)}
            data-stopped={String(run.stopped)}
          >
            <RunStatePill run={run} /> {run.task} on {run.preset} · {run.rule} + {run.scheduler} · rank{" "}
            {run.rank ?? "not chosen yet"} · round {run.round} of {run.rounds} · Q = {run.virtualQueue.toFixed(2)} s ·{" "}
            {run.activity}
          </p>
          <RunControls run={run} adminToken={adminToken} control={control} />
        </>
      )}
      {join !== null && <JoinPanel join={join} />}
      {badMessage !== null && <p class="note">ignored a malformed update from the coordinator: {badMessage}</p>}
      {last !== undefined && <LastRound line={last} count={rounds.length} />}
      <Charts lines={rounds} />
      {last !== undefined && <RoundTimeline line={last} />}
      <h2>Participants</h2>
      <ClientsTable clients={clients} lines={rounds} live={inFlight} />
      <Refusals refusals={refusals} />
    </main>
  );
}

function RunStatePill({ run }: { readonly run: RunView }) {
  const label = run.stopped ? (run.state === "done" ? "stopped" : "stopping") : run.state;
  const tone = run.state === "running" || run.state === "done" ? "ok" : run.stopped ? "bad" : "wait";
  return (
    <span class={`pill ${tone}`} data-testid="run-state">
      {label}
    </span>
  );
}

function LinkPill({ link }: { readonly link: DashboardLink }) {
  switch (link.kind) {
    case "connecting":
      return <span class="pill wait">connecting…</span>;
    case "live":
      return (
        <span class="pill ok" data-testid="dashboard-live">
          live
        </span>
      );
    case "lost":
      return <span class="pill wait">reconnecting ({link.reason})</span>;
    case "refused":
      return <span class="pill bad">refused: {link.reason}</span>;
  }
}

/** The latest logged round in one line, its numbers also as data attributes (the log's own values). */
function LastRound({ line, count }: { readonly line: RoundLogLine; readonly count: number }) {
  const t = roundTotals(line);
  const quality =
    line.eval === null
      ? "not evaluated"
      : "accuracy" in line.eval
        ? `accuracy ${(100 * line.eval.accuracy).toFixed(1)}%`
        : `perplexity ${line.eval.perplexity.toFixed(1)}`;
  return (
    <p
      class="note"
      data-testid="last-round"
      data-rounds={count}
      data-round={line.round}
      data-loss={String(t.loss)}
      data-quality={String(t.quality)}
      data-round-latency-ms={line.roundLatencyMs}
      data-latency-budget-ms={line.latencyBudgetMs}
      data-virtual-queue={line.virtualQueue}
      data-bytes-up={t.bytesUp}
      data-bytes-dense={t.bytesDense}
      data-submitted={line.quorum.submitted}
    >
      {count} rounds logged · round {line.round} ({line.phase}): {quality}, loss{" "}
      {t.loss === null ? "—" : t.loss.toFixed(3)}, {(line.roundLatencyMs / 1000).toFixed(1)} s of a{" "}
      {(line.latencyBudgetMs / 1000).toFixed(1)} s budget, {line.quorum.submitted} submitted, {bytes(t.bytesUp)} up
      against {bytes(t.bytesDense)} dense{line.note === undefined ? "" : ` · ${line.note}`}
    </p>
  );
}

function Charts({ lines }: { readonly lines: readonly RoundLogLine[] }) {
  const series = useMemo(() => chartSeries(lines), [lines]);
  const metric = qualityName(lines);
  if (lines.length === 0) return <p class="note">Charts appear once the first round is logged.</p>;
  return (
    <section class="charts">
      <Chart
        testId="chart-quality"
        title={`held-out loss and ${metric} per round`}
        data={series.quality}
        series={[
          { label: "loss", color: "#cf222e", scale: "loss" },
          { label: metric, color: "#1a7f37", scale: metric },
        ]}
        axes={[
          { scale: "loss", label: "loss" },
          { scale: metric, label: metric },
        ]}
      />
      <Chart
        testId="chart-bytes"
        title="update bytes per round: received against dense"
        data={series.bytes}
        series={[
          { label: "bytes up", color: "#0969da", scale: "bytes" },
          { label: "dense", color: "#6e7781", scale: "bytes", dash: [6, 4] },
        ]}
        axes={[{ scale: "bytes", label: "bytes" }]}
      />
      <Chart
        testId="chart-latency"
        title="round latency and virtual queue against the budget (s)"
        data={series.latency}
        series={[
          { label: "round latency", color: "#bf8700", scale: "s" },
          { label: "budget", color: "#6e7781", scale: "s", dash: [6, 4] },
          { label: "Q", color: "#8250df", scale: "s" },
        ]}
        axes={[{ scale: "s", label: "seconds" }]}
      />
    </section>
  );
}

/** What the coordinator refused, run-wide: messages, chunks, handshakes and connections, joined or not. */
function Refusals({ refusals }: { readonly refusals: RefusalCounts }) {
  const codes = Object.entries(refusals.byCode).sort((a, b) => b[1] - a[1]);
  return (
    <section data-testid="refusals" data-total={refusals.total}>
      <h2>Refused</h2>
      {refusals.total === 0 ? (
        <p class="note">nothing refused so far</p>
      ) : (
        <p>
          {refusals.total} in all:{" "}
          {codes.map(([code, count], i) => (
            <span key={code} data-code={code} data-count={count}>
              {i > 0 && " · "}
              {code} {count}
            </span>
          ))}
        </p>
      )}
    </section>
  );
}
