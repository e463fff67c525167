// The participant's worker: everything tfjs runs here, off the page's thread. Today it probes backends; the
// training session lands here with the model issue.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";
import { probeBackends, probeOrder } from "@airlora/model";
import type { WorkerReply, WorkerRequest } from "./messages";
import { browserPreflights } from "./preflights";

setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
});

// The DOM lib types `self` as a Window; this is the slice of DedicatedWorkerGlobalScope we use.
const scope = self as unknown as {
  postMessage(reply: WorkerReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<WorkerRequest>) => void): void;
};

scope.addEventListener("message", (event) => {
  const request = event.data;
  void probeBackends({ order: probeOrder(request.prefer), preflight: browserPreflights })
    .then((report) => {
      scope.postMessage({ type: "probed", report });
    })
    .catch((error: unknown) => {
      scope.postMessage({ type: "failed", error: { code: "probe-crashed", reason: String(error) } });
    });
});
