// The live dashboard: who is connected, on which backend. Rounds, allocations and curves land with the round work.
import { useEffect, useState } from "preact/hooks";
import type { ClientSummary } from "@airlora/protocol";
import { ClientsTable } from "./clients-table";
import { connectDashboard, type DashboardLink } from "./dashboard-connection";

export function DashboardApp({ adminToken }: { readonly adminToken: string }) {
  const [link, setLink] = useState<DashboardLink>({ kind: "connecting" });
  const [clients, setClients] = useState<readonly ClientSummary[]>([]);
  const [badMessage, setBadMessage] = useState<string | null>(null);

  useEffect(() => {
    const socket = connectDashboard({
      adminToken,
      onLink: setLink,
      onClients: (snapshot) => {
        setClients(snapshot.clients);
      },
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
