// The participant's worker: everything tfjs runs here, off the page's thread. Today it probes backends; the
// training session lands here with the model issue.
import "./tfjs-setup";
import { probeBackends, probeOrder } from "@airlora/model";
import type { WorkerReply, WorkerRequest } from "./messages";
import { browserPreflights } from "./preflights";

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
