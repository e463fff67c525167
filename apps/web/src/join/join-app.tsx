// The participant's page: it starts the worker that trains (src/worker/), keeps the resume token, the Wake Lock and
// visibility (which only a page has), and renders what the worker reports: connection, backend choice, downloads and
// every round's progress and outcome.
import { useEffect, useRef, useState } from "preact/hooks";
import { BackendName as BackendNameSchema, type BackendName } from "@airlora/protocol";
import { startParticipantWorker, type ParticipantWorker } from "../worker/participant-worker-client";
import { openIdentityStore } from "./identity-store";
import { recallBackend, rememberBackend } from "./backend-memory";
import {
  initialView,
  isWorking,
  nextView,
  withVisibility,
  type Connection,
  type ParticipantView,
} from "./participant-view";
import { ProbeTable } from "./probe-table";
import { RoundCard } from "./round-card";
import { useWakeLock } from "./wake-lock";
import { formatBytes } from "./format";

export function JoinApp({ joinToken, search }: { readonly joinToken: string; readonly search: string }) {
  const [view, setView] = useState<ParticipantView>(initialView);
  const worker = useRef<ParticipantWorker | null>(null);

  useEffect(() => {
    // React's effects may be torn down before the storage lock resolves (an object, so lint sees it change).
    const effect = { live: true };
    const onVisibility = (): void => {
      worker.current?.send({ type: "visibility", hidden: document.hidden });
      setView((v) => withVisibility(v, document.hidden));
    };
    const onPageHide = (): void => worker.current?.send({ type: "stop" });
    void (async () => {
      const identity = await openIdentityStore();
      if (!effect.live) return;
      const started = startParticipantWorker((reply) => {
        if (reply.type === "identity") identity.save(reply.resumeToken);
        // A choice made by timing is remembered; a forced one is not (it says nothing about speed).
        const timed = reply.type === "backend" && reply.rows.some((r) => r.stepMs !== undefined);
        if (timed && reply.backend !== null) rememberBackend(reply.backend, Date.now(), navigator.userAgent);
        setView((v) => nextView(v, reply));
      });
      worker.current = started;
      const resumeToken = identity.load();
      started.send({
        type: "start",
        joinToken,
        origin: location.origin,
        hidden: document.hidden,
        ...(resumeToken === undefined ? {} : { resumeToken }),
        ...backendRequest(search),
      });
      setView((v) => withVisibility(v, document.hidden));
    })();
    document.addEventListener("visibilitychange", onVisibility);
    addEventListener("pagehide", onPageHide);
    return () => {
      effect.live = false;
      document.removeEventListener("visibilitychange", onVisibility);
      removeEventListener("pagehide", onPageHide);
    };
  }, [joinToken, search]);

  const wakeLock = useWakeLock(isWorking(view) && !view.hidden);
  const { connection } = view;
  const live = connection.kind === "joined" || connection.kind === "connecting" || connection.kind === "reconnecting";
  const latest = [...view.rounds].reverse();

  return (
    <main class="join">
      <h1>AirLoRA · participant</h1>
      <p>
        <ConnectionPill connection={connection} />
      </p>
      {connection.kind === "refused" && (
        <div class="callout bad" data-testid="refusal">
          <p>
            <strong>{connection.advice}</strong>
          </p>
          <p class="note">The coordinator said: {connection.reason}</p>
        </div>
      )}
      {connection.kind === "no-backend" && (
        <div class="callout bad" data-testid="refusal">
          <p>
            <strong>
              None of this browser's compute backends works (see below). Try another browser, such as a recent Chrome,
              Edge or Safari.
            </strong>
          </p>
        </div>
      )}
      {connection.kind === "crashed" && (
        <div class="callout bad" data-testid="refusal">
          <p>
            <strong>The training worker failed. Reload the page to join again.</strong>
          </p>
          <p class="note">{connection.reason}</p>
        </div>
      )}
      <dl class="facts">
        <dt>client</dt>
        <dd data-testid="client-id">{view.clientId ?? "—"}</dd>
        <dt>backend</dt>
        <dd data-testid="backend">{view.backend === undefined ? "choosing…" : (view.backend ?? "none works")}</dd>
        <dt>doing</dt>
        <dd data-testid="activity">{view.activity}</dd>
        <dt>downloads</dt>
        <dd
          data-testid="join-bytes"
          data-network={String(view.join.networkBytes)}
          data-cache={String(view.join.cacheBytes)}
        >
          {view.join.files.length === 0
            ? "—"
            : `${formatBytes(view.join.networkBytes)} over the network, ${formatBytes(view.join.cacheBytes)} from the cache`}
        </dd>
        <dt>cache</dt>
        <dd data-testid="cache">
          {view.cache === undefined
            ? "—"
            : view.cache.available
              ? "model and shard kept on this device"
              : view.cache.reason}
        </dd>
        <dt>screen</dt>
        <dd data-testid="wake-lock" data-state={wakeLock.state}>
          {wakeLock.text}
        </dd>
        <dt>tab</dt>
        <dd data-testid="visibility" data-hidden={String(view.hidden)}>
          {view.hidden ? "in the background (the coordinator is told)" : "visible"}
        </dd>
      </dl>
      {connection.kind === "finished" && (
        <p class="callout ok" data-testid="run-finished">
          The run is over after {connection.rounds} rounds
          {view.finalEval == null ? "" : `: final ${describeEval(view.finalEval)}`}. You can close this tab.
        </p>
      )}
      {live && <p class="note">Keep this tab open and in front: training rounds run here.</p>}
      {view.problems.length > 0 && (
        <ul class="problems" data-testid="problems">
          {view.problems.map((p, i) => (
            <li key={i}>
              {p.code}: {p.reason}
            </li>
          ))}
        </ul>
      )}
      <section data-testid="rounds">
        {latest.map((round) => (
          <RoundCard key={round.round} round={round} backend={view.backend ?? null} />
        ))}
      </section>
      {view.backends.length > 0 && (
        <section>
          <h2>Backends</h2>
          <ProbeTable rows={view.backends} />
          {!isSecureContext && (
            <p class="note" data-testid="secure-hint">
              This page is not a secure context, so WebGPU and the download cache are off. Ask whoever runs the
              coordinator to start it with --https and open the https:// join URL it prints.
            </p>
          )}
        </section>
      )}
    </main>
  );
}

function describeEval(e: NonNullable<ParticipantView["finalEval"]>): string {
  return "accuracy" in e ? `accuracy ${(100 * e.accuracy).toFixed(1)}%` : `perplexity ${e.perplexity.toFixed(2)}`;
}

function ConnectionPill({ connection }: { readonly connection: Connection }) {
  const [tone, text] = describe(connection);
  return (
    <span class={`pill ${tone}`} data-testid="connection-state" data-state={connection.kind}>
      {text}
    </span>
  );
}

function describe(connection: Connection): readonly ["ok" | "bad" | "wait", string] {
  switch (connection.kind) {
    case "choosing":
      return ["wait", "testing this device's compute backends…"];
    case "connecting":
      return ["wait", "connecting to the coordinator…"];
    case "joined":
      return ["ok", connection.resumed ? "connected (resumed)" : "connected"];
    case "reconnecting":
      return ["wait", `connection lost, retrying (${connection.reason})`];
    case "refused":
      return ["bad", "not admitted"];
    case "finished":
      return ["ok", "run finished"];
    case "no-backend":
      return ["bad", "this browser cannot train"];
    case "crashed":
      return ["bad", "stopped"];
    default:
      return connection satisfies never;
  }
}

/** `?backend=wasm` takes that backend if it works (for comparisons and tests), untimed; without it the choice this
 * device remembers is taken the same way; `?backend=auto` times every backend again. */
function backendRequest(search: string): { forced?: BackendName; forcedBy?: string } {
  const asked = new URLSearchParams(search).get("backend");
  const parsed = BackendNameSchema.safeParse(asked);
  if (parsed.success) return { forced: parsed.data };
  if (asked === "auto") return {};
  const remembered = recallBackend(Date.now(), navigator.userAgent);
  if (remembered === undefined) return {};
  const when = new Date(remembered.at).toLocaleString();
  return { forced: remembered.backend, forcedBy: `the timed choice this device made on ${when}` };
}
