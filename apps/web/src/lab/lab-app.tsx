// The device lab: does every backend on this device compute the same LoRA step, and how fast is each? Used by
// people comparing devices, by the parity e2e test and by `npm run bench -- model` (Chromium half).
import { useEffect, useState } from "preact/hooks";
import { BACKEND_ORDER, type BackendName } from "@airlora/core";
import type { PresetName } from "@airlora/model";
import type { BenchRow, LabReply, LabRequest, ParityRow } from "./lab-messages";

type LabState = "idle" | "running" | "done" | "failed";

export function LabApp({ search }: { readonly search: string }) {
  const params = new URLSearchParams(search);
  const [state, setState] = useState<LabState>("idle");
  const [parityRows, setParityRows] = useState<readonly ParityRow[]>([]);
  const [benchRows, setBenchRows] = useState<readonly BenchRow[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const backends = backendList(params.get("backends"));

  const run = (request: LabRequest): void => {
    setState("running");
    setFailure(null);
    const worker = new Worker(new URL("./lab-worker.ts", import.meta.url), { type: "module" });
    worker.addEventListener("message", (event: MessageEvent<LabReply>) => {
      const reply = event.data;
      if (reply.type === "parity-row") setParityRows((rows) => [...rows, reply.row]);
      else if (reply.type === "bench-row") setBenchRows((rows) => [...rows, reply.row]);
      else {
        setState(reply.type === "done" ? "done" : "failed");
        if (reply.type === "failed") setFailure(reply.error.reason);
        worker.terminate();
      }
    });
    worker.postMessage(request);
  };
  const runParity = (): void => {
    setParityRows([]);
    run({ type: "parity", backends });
  };
  const runBench = (): void => {
    setBenchRows([]);
    run({
      type: "bench",
      presets: presetList(params.get("presets")),
      backends,
      steps: Number(params.get("steps") ?? 3),
      batch: Number(params.get("batch") ?? 8),
    });
  };

  // `?run=parity` or `?run=bench` starts at once (the e2e test and the bench script open the page that way).
  useEffect(() => {
    const autorun = params.get("run");
    if (autorun === "parity") runParity();
    if (autorun === "bench") runBench();
  }, []);

  return (
    <main>
      <h1>AirLoRA · device lab</h1>
      <p>
        <button onClick={runParity} disabled={state === "running"}>
          Check backend parity
        </button>{" "}
        <button onClick={runBench} disabled={state === "running"}>
          Benchmark LoRA training
        </button>{" "}
        <span
          class={`pill ${state === "failed" ? "bad" : state === "done" ? "ok" : "wait"}`}
          data-testid="lab-status"
          data-state={state}
        >
          {state}
        </span>
      </p>
      {failure !== null && <p class="note">{failure}</p>}
      {parityRows.length > 0 && <ParityTable rows={parityRows} />}
      {benchRows.length > 0 && <BenchTable rows={benchRows} />}
      <p class="note">
        Parity runs one LoRA training step of the nano model on each backend and compares loss and gradients with the
        cpu backend. Shader compilation makes the first WebGPU step slow; the benchmark reports it separately.
      </p>
    </main>
  );
}

function ParityTable({ rows }: { readonly rows: readonly ParityRow[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>backend</th>
          <th>loss</th>
          <th>loss vs cpu</th>
          <th>worst gradient vs cpu</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.backend}
            data-testid="parity-row"
            data-backend={row.backend}
            data-ok={String(row.ok)}
            data-loss-diff={row.lossRelativeDifference ?? ""}
            data-grad-diff={row.maxGradientRelativeDifference ?? ""}
            data-ran-on={row.ranOn ?? ""}
            data-gradients={row.gradients ?? 0}
          >
            <td>{row.backend}</td>
            <td>{row.loss?.toFixed(6) ?? "—"}</td>
            <td>{row.lossRelativeDifference?.toExponential(2) ?? "—"}</td>
            <td>{row.ok ? row.maxGradientRelativeDifference?.toExponential(2) : row.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function BenchTable({ rows }: { readonly rows: readonly BenchRow[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>model</th>
          <th>backend</th>
          <th>first step</th>
          <th>ms / step</th>
          <th>tokens / s</th>
          <th>GFLOP/s</th>
          <th>matMul GFLOP/s</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.preset}-${row.backend}`} data-testid="bench-row" data-json={JSON.stringify(row)}>
            <td>{row.preset}</td>
            <td>{row.backend}</td>
            {row.ok ? (
              <>
                <td>{row.firstStepMs.toFixed(0)} ms</td>
                <td>{row.msPerStep.toFixed(0)}</td>
                <td>{row.tokensPerSec.toFixed(0)}</td>
                <td>{row.gflopsPerSec.toFixed(2)}</td>
                <td>{row.matMulGflopsPerSec.toFixed(2)}</td>
              </>
            ) : (
              <td colSpan={5}>{row.reason}</td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function backendList(value: string | null): BackendName[] {
  const wanted = (value ?? BACKEND_ORDER.join(",")).split(",");
  return BACKEND_ORDER.filter((b) => wanted.includes(b));
}

function presetList(value: string | null): PresetName[] {
  return (value ?? "nano,tiny").split(",").filter((p): p is PresetName => p === "nano" || p === "tiny");
}
