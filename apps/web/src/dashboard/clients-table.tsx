import type { ClientSummary } from "@airlora/protocol";

/** One row per known device; devices that are away stay listed, dimmed, so a rejoin is visible. */
export function ClientsTable({ clients }: { readonly clients: readonly ClientSummary[] }) {
  if (clients.length === 0) return <p class="note">No participant has joined yet. Share the join URL or QR code.</p>;
  const sorted = [...clients].sort((a, b) => a.joinedAt - b.joinedAt);
  return (
    <table data-testid="clients-table">
      <thead>
        <tr>
          <th>client</th>
          <th>status</th>
          <th>backend</th>
          <th>device</th>
          <th>joined</th>
          <th>bad msgs</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((client) => (
          <tr
            key={client.clientId}
            class={client.connected ? "" : "away"}
            data-testid="client-row"
            data-client-id={client.clientId}
            data-connected={String(client.connected)}
            data-backend={client.backend ?? "none"}
          >
            <td>{client.clientId}</td>
            <td>{client.connected ? "connected" : "away"}</td>
            <td title={probeSummary(client)}>{client.backend ?? "none works"}</td>
            <td>{deviceName(client.userAgent)}</td>
            <td>{new Date(client.joinedAt).toLocaleTimeString()}</td>
            <td>{client.invalidMessages}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function probeSummary(client: ClientSummary): string {
  return client.probe.map((a) => `${a.backend}: ${a.ok ? "ok" : (a.reason ?? "failed")}`).join("\n");
}

/** A short, human name for a user agent: enough to tell a phone from a laptop at a glance. */
function deviceName(userAgent: string): string {
  const os = /Android|iPhone|iPad|Windows|Mac OS X|Linux|CrOS/u.exec(userAgent)?.[0] ?? "unknown OS";
  const browser = /(?:Edg|Chrome|Firefox|Safari)\/[\d.]+/u.exec(userAgent)?.[0]?.split(".")[0] ?? "browser";
  return `${browser.replace("/", " ")} · ${os.replace("Mac OS X", "macOS")}`;
}
