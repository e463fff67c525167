// The participant's page: probe a backend in the worker, join the coordinator, show where things stand.
import { useEffect, useState } from "preact/hooks";
import type { BackendName } from "@airlora/core";
import { BackendName as BackendNameSchema, type ErrorMessage, PROTOCOL_VERSION } from "@airlora/protocol";
import type { ProbeReport } from "@airlora/model";
import { startParticipantWorker } from "../worker/participant-worker-client";
import { openIdentityStore } from "./identity-store";
import { connectParticipant, type Phase } from "./participant-connection";
import { ProbeTable } from "./probe-table";

type PagePhase = { readonly kind: "probing" } | Phase;

export function JoinApp({ joinToken, search }: { readonly joinToken: string; readonly search: string }) {
  const [phase, setPhase] = useState<PagePhase>({ kind: "probing" });
  const [report, setReport] = useState<ProbeReport | null>(null);
  const [serverError, setServerError] = useState<ErrorMessage | null>(null);

  useEffect(() => {
    void (async () => {
      const probed = await startParticipantWorker().probe(preferredBackend(search));
      const probe = probed.ok ? probed.value : { backend: null, attempts: [] };
      if (!probed.ok) setServerError({ code: "bad-message", reason: `backend probe failed: ${probed.error.reason}` });
      setReport(probe);
      connectParticipant({
        joinToken,
        identity: await openIdentityStore(),
        hello: {
          protocolVersion: PROTOCOL_VERSION,
          backend: probe.backend,
          probe: [...probe.attempts],
          userAgent: navigator.userAgent.slice(0, 512),
        },
        onPhase: setPhase,
        onServerError: setServerError,
      });
    })();
  }, [joinToken, search]);

  return (
    <main>
      <h1>AirLoRA · participant</h1>
      <p>
        <PhasePill phase={phase} />
      </p>
      <dl class="facts">
        <dt>client</dt>
        <dd data-testid="client-id">{phase.kind === "joined" ? phase.clientId : "—"}</dd>
        <dt>backend</dt>
        <dd data-testid="backend">{report === null ? "probing…" : (report.backend ?? "none works")}</dd>
      </dl>
      {serverError !== null && (
        <p class="note" data-testid="server-error">
          coordinator said {serverError.code}: {serverError.reason}
        </p>
      )}
      {report !== null && <ProbeTable attempts={report.attempts} />}
      <p class="note">Keep this tab open: training rounds will run here in the background.</p>
    </main>
  );
}

function PhasePill({ phase }: { readonly phase: PagePhase }) {
  const [tone, text] = describe(phase);
  return (
    <span class={`pill ${tone}`} data-testid="connection-state" data-state={phase.kind}>
      {text}
    </span>
  );
}

function describe(phase: PagePhase): readonly ["ok" | "bad" | "wait", string] {
  switch (phase.kind) {
    case "probing":
      return ["wait", "testing this device's compute backends…"];
    case "connecting":
      return ["wait", "connecting to the coordinator…"];
    case "joined":
      return ["ok", phase.resumed ? "connected (resumed)" : "connected"];
    case "reconnecting":
      return ["wait", `connection lost, retrying (${phase.reason})`];
    case "rejected":
      return ["bad", `not admitted: ${phase.reason}`];
    default:
      return assertNever(phase);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled phase ${JSON.stringify(value)}`);
}

/** `?backend=wasm` moves a backend to the front of the probe (for comparisons and tests). */
function preferredBackend(search: string): BackendName | undefined {
  const parsed = BackendNameSchema.safeParse(new URLSearchParams(search).get("backend"));
  return parsed.success ? parsed.data : undefined;
}
