// The device lab's worker: backend parity (one LoRA step on each backend vs cpu) and speed figures, run where
// participants train (a dedicated worker), on this device's real backends.
import "../worker/tfjs-setup";
import * as tf from "@tensorflow/tfjs-core";
import type { BackendName } from "@airlora/core";
import {
  PRESETS,
  benchLoraStep,
  createGpt,
  disposeGpt,
  parityFixture,
  relativeDifference,
  stepGradients,
  type StepGradients,
} from "@airlora/model";
import type { LabReply, LabRequest, ParityRow } from "./lab-messages";

const scope = self as unknown as {
  postMessage(reply: LabReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<LabRequest>) => void): void;
};

async function gradientsOn(backend: BackendName): Promise<StepGradients> {
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend does not initialise here`);
  const fixture = parityFixture();
  const model = createGpt(fixture.config, fixture.weights);
  try {
    return await stepGradients(model, fixture.spec, fixture.task, fixture.adapter, fixture.data, fixture.softLambda);
  } finally {
    disposeGpt(model);
  }
}

async function parity(backends: readonly BackendName[]): Promise<void> {
  const reference = await gradientsOn("cpu");
  for (const backend of backends) {
    let row: ParityRow;
    try {
      const got = await gradientsOn(backend);
      const gradientDiffs = got.gradients.map((g, i) =>
        relativeDifference(g, reference.gradients[i] ?? new Float32Array()),
      );
      row = {
        backend,
        ok: true,
        loss: got.loss,
        lossRelativeDifference: Math.abs(got.loss - reference.loss) / Math.abs(reference.loss),
        maxGradientRelativeDifference: Math.max(...gradientDiffs),
      };
    } catch (error) {
      row = { backend, ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    scope.postMessage({ type: "parity-row", row });
  }
}

async function bench(request: Extract<LabRequest, { type: "bench" }>): Promise<void> {
  for (const preset of request.presets) {
    for (const backend of request.backends) {
      try {
        if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend does not initialise here`);
        const config = PRESETS[preset];
        const figures = await benchLoraStep(config, backend, {
          batch: request.batch,
          seqLen: Math.min(64, config.nCtx),
          steps: request.steps,
        });
        scope.postMessage({ type: "bench-row", row: { ok: true, ...figures } });
      } catch (error) {
        scope.postMessage({
          type: "bench-row",
          row: { ok: false, preset, backend, reason: error instanceof Error ? error.message : String(error) },
        });
      }
    }
  }
}

scope.addEventListener("message", (event) => {
  const request = event.data;
  const run = request.type === "parity" ? parity(request.backends) : bench(request);
  void run
    .then(() => {
      scope.postMessage({ type: "done" });
    })
    .catch((error: unknown) => {
      scope.postMessage({ type: "failed", error: { code: "lab-crashed", reason: String(error) } });
    });
});
