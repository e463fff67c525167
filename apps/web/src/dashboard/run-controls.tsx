// Start now / pause / resume / stop, sent over the socket and answered by the coordinator (an action the run does
// not accept right now is greyed out; the coordinator checks again and says why if it refuses), and the adapter
// export: GET /api/export/adapter.safetensors with the admin token in the Authorization header, saved as a file.
import { useState } from "preact/hooks";
import type { ControlAck, ControlAction, RunView } from "@airlora/protocol";
import { bytes } from "./clients-table";

const LABELS: Record<ControlAction, string> = {
  start: "Start now",
  pause: "Pause",
  resume: "Resume",
  stop: "Stop",
};

export interface RunControlsProps {
  readonly run: RunView;
  readonly adminToken: string;
  readonly control: (action: ControlAction) => Promise<ControlAck>;
}

export function RunControls({ run, adminToken, control }: RunControlsProps) {
  const [answer, setAnswer] = useState<{ action: ControlAction; ack: ControlAck } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmStop, setConfirmStop] = useState(false);
  const send = async (action: ControlAction): Promise<void> => {
    setBusy(true);
    setConfirmStop(false);
    const ack = await control(action);
    setAnswer({ action, ack });
    setBusy(false);
  };
  const button = (action: ControlAction) => {
    const accepted = run.controls.includes(action);
    const title = accepted ? describe(action, run) : `not now (the run is ${run.state})`;
    if (action === "stop" && confirmStop) {
      return (
        <button type="button" class="danger" data-testid="control-stop-confirm" onClick={() => void send("stop")}>
          Really stop?
        </button>
      );
    }
    return (
      <button
        type="button"
        data-testid={`control-${action}`}
        disabled={!accepted || busy}
        title={title}
        onClick={() => {
          if (action === "stop") setConfirmStop(true);
          else void send(action);
        }}
      >
        {LABELS[action]}
      </button>
    );
  };
  return (
    <div class="controls">
      {button("start")}
      {run.paused ? button("resume") : button("pause")}
      {button("stop")}
      <ExportButton adminToken={adminToken} />
      {answer !== null && (
        <span
          class={answer.ack.ok ? "note" : "note bad"}
          data-testid="control-answer"
          data-action={answer.action}
          data-ok={String(answer.ack.ok)}
        >
          {answer.ack.ok ? `${answer.action}: done` : `${answer.action} refused: ${answer.ack.reason}`}
        </span>
      )}
    </div>
  );
}

function describe(action: ControlAction, run: RunView): string {
  switch (action) {
    case "start":
      return `start the first round with the ready participants (at least ${String(run.minClients)}) instead of waiting for ${String(run.startClients)}`;
    case "pause":
      return "the round in flight finishes; no new round starts until resume";
    case "resume":
      return "start rounds again";
    case "stop":
      return "close the round in flight now and finish the run (summary.json); cannot be undone";
    default:
      return action satisfies never;
  }
}

type ExportState =
  | { readonly kind: "idle" }
  | { readonly kind: "busy" }
  | { readonly kind: "done"; readonly fileName: string; readonly size: number }
  | { readonly kind: "failed"; readonly reason: string };

function ExportButton({ adminToken }: { readonly adminToken: string }) {
  const [state, setState] = useState<ExportState>({ kind: "idle" });
  const download = async (): Promise<void> => {
    setState({ kind: "busy" });
    setState(await exportAdapter(adminToken));
  };
  return (
    <>
      <button
        type="button"
        data-testid="export-adapter"
        disabled={state.kind === "busy"}
        onClick={() => void download()}
      >
        Export adapter
      </button>
      {state.kind === "done" && (
        <span class="note" data-testid="export-status" data-state="done" data-file={state.fileName}>
          saved {state.fileName} ({bytes(state.size)})
        </span>
      )}
      {state.kind === "failed" && (
        <span class="note bad" data-testid="export-status" data-state="failed">
          export failed: {state.reason}
        </span>
      )}
    </>
  );
}

async function exportAdapter(adminToken: string): Promise<ExportState> {
  try {
    const response = await fetch("/api/export/adapter.safetensors", {
      headers: { authorization: `Bearer ${adminToken}` },
      cache: "no-store",
    });
    if (!response.ok) {
      const body: unknown = await response.json().catch(() => null);
      const reason =
        typeof body === "object" && body !== null && "reason" in body && typeof body.reason === "string"
          ? body.reason
          : `HTTP ${String(response.status)}`;
      return { kind: "failed", reason };
    }
    const blob = await response.blob();
    const disposition = /filename="([^"]+)"/u.exec(response.headers.get("content-disposition") ?? "");
    const fileName = disposition?.[1] ?? "adapter.safetensors";
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => {
      URL.revokeObjectURL(url);
    }, 60_000);
    return { kind: "done", fileName, size: blob.size };
  } catch (error) {
    return { kind: "failed", reason: error instanceof Error ? error.message : String(error) };
  }
}
