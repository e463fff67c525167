// One row per known device; devices that are away stay listed, dimmed, so a rejoin is visible. A row's round figures
// (share, budget, kept ratio, energy lost, uplink estimate, latencies, bytes) are the last logged round's, exactly
// as /api/rounds has them; its status is live while a round is in flight.
import type { ClientSummary, RoundLogClient, RoundLogLine } from "@airlora/protocol";
import type { LiveRound } from "./dashboard-connection";
import { rejectedUpdates } from "./round-figures";

export interface ClientsTableProps {
  readonly clients: readonly ClientSummary[];
  readonly lines: readonly RoundLogLine[];
  readonly live: LiveRound | undefined;
}

export function ClientsTable({ clients, lines, live }: ClientsTableProps) {
  if (clients.length === 0) return <p class="note">No participant has joined yet. Share the join URL or QR code.</p>;
  const sorted = [...clients].sort((a, b) => a.joinedAt - b.joinedAt);
  const last = lines.at(-1);
  const entries = new Map((last?.clients ?? []).map((c) => [c.id, c]));
  const rejected = rejectedUpdates(lines);
  return (
    <div class="scroll">
      <table data-testid="clients-table" data-round={last?.round ?? "none"}>
        <thead>
          <tr>
            <th>client</th>
            <th>status</th>
            <th>backend</th>
            <th>device</th>
            <th title="bandwidth share of the uplink W">share</th>
            <th>byte budget</th>
            <th title="share of rank components kept">kept</th>
            <th title="share of the update's energy dropped by sparsification">energy lost</th>
            <th title="the uplink estimate the schedule used">est. uplink</th>
            <th title="what the schedule expected against download + compute + upload">latency</th>
            <th title="update bytes received against the same update sent with every rank">bytes up / dense</th>
            <th title="refused messages; rejected updates">refusals</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((client) => (
            <ClientRow
              key={client.clientId}
              client={client}
              entry={entries.get(client.clientId)}
              liveStatus={live?.statuses.get(client.clientId)}
              liveRound={live?.started.round}
              rejected={rejected.get(client.clientId) ?? 0}
            />
          ))}
        </tbody>
      </table>
      {last !== undefined && (
        <p class="note">
          Round figures: round {last.round} as logged ({last.phase}); status: live.
        </p>
      )}
    </div>
  );
}

interface RowProps {
  readonly client: ClientSummary;
  readonly entry: RoundLogClient | undefined;
  readonly liveStatus: string | undefined;
  readonly liveRound: number | undefined;
  readonly rejected: number;
}

function ClientRow({ client, entry, liveStatus, liveRound, rejected }: RowProps) {
  const { hidden } = client;
  const status = !client.connected
    ? "away"
    : liveStatus !== undefined
      ? `${liveStatus} (round ${String(liveRound)})`
      : client.ready
        ? "ready"
        : "connected";
  const attrs = entry === undefined ? {} : figureAttributes(entry);
  return (
    <tr
      class={client.connected ? "" : "away"}
      data-testid="client-row"
      data-client-id={client.clientId}
      data-connected={String(client.connected)}
      data-backend={client.backend ?? "none"}
      data-status={liveStatus ?? (client.connected ? "connected" : "away")}
      data-device-kind={client.device.kind}
      data-refused-messages={client.invalidMessages}
      data-rejected-updates={rejected}
      {...(hidden === undefined ? {} : { "data-hidden": String(hidden) })}
      {...attrs}
    >
      <td>{client.clientId}</td>
      <td>
        {status}
        {hidden === true && <span class="note"> · tab hidden</span>}
      </td>
      <td title={probeSummary(client)}>{client.backend ?? "none works"}</td>
      <td title={client.userAgent}>
        {client.device.kind} · {client.device.os}
        <br />
        <span class="note">{client.device.browser}</span>
      </td>
      {entry === undefined ? (
        <td colSpan={7} class="note">
          not in the last logged round
        </td>
      ) : (
        <>
          <td>{percent(entry.bandwidthShare)}</td>
          <td>{bytes(entry.byteBudget)}</td>
          <td>{entry.keptRatio === null ? "—" : percent(entry.keptRatio)}</td>
          <td>{entry.energyLost === null ? "—" : percent(entry.energyLost)}</td>
          <td title={`current estimate: ${client.estUplinkBps === null ? "none" : mbps(client.estUplinkBps)}`}>
            {mbps(entry.estUplinkBps)}
          </td>
          <td>
            <LatencyBar entry={entry} />
          </td>
          <td>
            {bytes(entry.bytesUp)} / {bytes(entry.bytesDense)}
          </td>
        </>
      )}
      <td>
        {client.invalidMessages} msg · {rejected} upd
      </td>
    </tr>
  );
}

/** What the e2e test and anyone scripting the page read: the log's own numbers, unformatted. */
function figureAttributes(entry: RoundLogClient): Record<string, string> {
  const fields = {
    "data-bandwidth-share": entry.bandwidthShare,
    "data-byte-budget": entry.byteBudget,
    "data-kept-ratio": entry.keptRatio,
    "data-energy-lost": entry.energyLost,
    "data-est-uplink-bps": entry.estUplinkBps,
    "data-expected-latency-ms": entry.expectedLatencyMs,
    "data-download-ms": entry.downloadMs,
    "data-compute-ms": entry.computeMs,
    "data-upload-ms": entry.uploadMs,
    "data-bytes-up": entry.bytesUp,
    "data-bytes-dense": entry.bytesDense,
    "data-logged-status": entry.status,
  };
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === null ? "null" : String(v)]));
}

function LatencyBar({ entry }: { readonly entry: RoundLogClient }) {
  const parts = [
    ["download", entry.downloadMs],
    ["compute", entry.computeMs],
    ["upload", entry.uploadMs],
  ] as const;
  const actual = parts.reduce((sum, [, ms]) => sum + (ms ?? 0), 0);
  const span = Math.max(1, actual, entry.expectedLatencyMs);
  return (
    <div class="latency" title={parts.map(([name, ms]) => `${name}: ${ms === null ? "—" : seconds(ms)}`).join("\n")}>
      <div class="bar">
        {parts.map(([name, ms]) => (
          <span key={name} class={`part ${name}`} style={{ width: `${String((100 * (ms ?? 0)) / span)}%` }} />
        ))}
        <span class="expected" style={{ left: `${String((100 * entry.expectedLatencyMs) / span)}%` }} />
      </div>
      <span class="note">
        {seconds(actual)} of {seconds(entry.expectedLatencyMs)}
      </span>
    </div>
  );
}

function probeSummary(client: ClientSummary): string {
  return client.probe.map((a) => `${a.backend}: ${a.ok ? "ok" : (a.reason ?? "failed")}`).join("\n");
}

function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${String(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function mbps(bps: number): string {
  return `${(bps / 1e6).toFixed(2)} Mbit/s`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
