// The live dashboard: who is connected, on which backend. Rounds, allocations and curves land with the round work.
import { useEffect, useState } from "preact/hooks";
import type { ClientSummary, RoundLogLine, RunView } from "@airlora/protocol";
import { ClientsTable } from "./clients-table";
import { connectDashboard, type DashboardLink } from "./dashboard-connection";

export function DashboardApp({ adminToken }: { readonly adminToken: string }) {
  const [link, setLink] = useState<DashboardLink>({ kind: "connecting" });
  const [clients, setClients] = useState<readonly ClientSummary[]>([]);
  const [badMessage, setBadMessage] = useState<string | null>(null);
  const [run, setRun] = useState<RunView | null>(null);
  const [rounds, setRounds] = useState<readonly RoundLogLine[]>([]);

  useEffect(() => {
    const socket = connectDashboard({
      adminToken,
      onLink: setLink,
      onClients: setClients,
      onRun: setRun,
      onRounds: setRounds,
      onBadMessage: setBadMessage,
    });
    return () => socket.disconnect();
  }, [adminToken]);

  const connected = clients.filter((c) => c.connected).length;
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
        <p class="note" data-testid="run-activity" data-state={run.state} data-round={run.round}>
          {run.task} on {run.preset} · {run.rule} + {run.scheduler} · rank {run.rank ?? "not chosen yet"} · round{" "}
          {run.round} of {run.rounds} · {run.activity}
        </p>
      )}
      {rounds.length > 0 && <RoundsSummary rounds={rounds} />}
      {badMessage !== null && <p class="note">ignored a malformed update from the coordinator: {badMessage}</p>}
      <ClientsTable clients={clients} />
    </main>
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

/** The latest logged round in one line; the full round view comes with the dashboard issue. */
function RoundsSummary({ rounds }: { readonly rounds: readonly RoundLogLine[] }) {
  const last = rounds.at(-1);
  if (last === undefined) return null;
  const quality =
    last.eval === null
      ? "not evaluated"
      : "accuracy" in last.eval
        ? `accuracy ${(100 * last.eval.accuracy).toFixed(1)}%`
        : `perplexity ${last.eval.perplexity.toFixed(1)}`;
  return (
    <p class="note" data-testid="rounds-summary" data-rounds={rounds.length}>
      {rounds.length} rounds logged · round {last.round}: {quality}, {(last.roundLatencyMs / 1000).toFixed(1)} s,{" "}
      {last.quorum.submitted} submitted
    </p>
  );
}
