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
  compareStep,
  parityFixture,
  stepGradients,
  type StepGradients,
} from "@airlora/model";
import type { LabReply, LabRequest, ParityRow } from "./lab-messages";

const scope = self as unknown as {
  postMessage(reply: LabReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<LabRequest>) => void): void;
};

/** The step on `backend`, and the backend tfjs says ran it (a silent fallback would compare cpu with cpu). */
async function gradientsOn(backend: BackendName): Promise<{ step: StepGradients; ranOn: string }> {
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend does not initialise here`);
  const fixture = parityFixture();
  const model = createGpt(fixture.config, fixture.weights);
  try {
    const step = await stepGradients(
      model,
      fixture.spec,
      fixture.task,
      fixture.adapter,
      fixture.data,
      fixture.softLambda,
    );
    return { step, ranOn: tf.getBackend() };
  } finally {
    disposeGpt(model);
  }
}

async function parity(backends: readonly BackendName[]): Promise<void> {
  const reference = await gradientsOn("cpu");
  for (const backend of backends) {
    let row: ParityRow;
    try {
      const { step, ranOn } = await gradientsOn(backend);
      const verdict = compareStep(reference.step, step);
      const counts = { ranOn, gradients: step.gradients.length };
      if (ranOn !== backend) row = { backend, ok: false, ...counts, reason: `tfjs ran the step on ${ranOn}` };
      else if (!verdict.ok) row = { backend, ok: false, ...counts, reason: verdict.reason };
      else row = { backend, ...counts, ...verdict, loss: step.loss };
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
