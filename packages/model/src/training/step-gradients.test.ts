import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { createGpt, disposeGpt } from "../transformer/gpt";
import { parityFixture } from "./parity-fixture";
import { relativeDifference, stepGradients } from "./step-gradients";

async function gradientsOn(backend: string) {
  await tf.setBackend(backend);
  const f = parityFixture();
  const model = createGpt(f.config, f.weights);
  try {
    return await stepGradients(model, f.spec, f.task, f.adapter, f.data, f.softLambda);
  } finally {
    disposeGpt(model);
  }
}

describe("step gradients", () => {
  it("agree between the wasm and cpu backends in Node (the browser e2e test adds webgpu)", async () => {
    const cpu = await gradientsOn("cpu");
    const wasm = await gradientsOn("wasm");
    expect(Number.isFinite(cpu.loss)).toBe(true);
    expect(Math.abs(wasm.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    expect(cpu.gradients.length).toBe(wasm.gradients.length);
    cpu.gradients.forEach((g, i) => {
      expect(g.some((x) => x !== 0)).toBe(true);
      expect(relativeDifference(wasm.gradients[i] ?? new Float32Array(), g)).toBeLessThan(1e-4);
    });
  }, 30_000);

  it("measures relative difference as ||x - y|| / ||y||", () => {
    expect(relativeDifference([1, 1], [1, 1])).toBe(0);
    expect(relativeDifference([1.1, 1], [1, 0])).toBeCloseTo(Math.sqrt(1.01), 6);
    expect(relativeDifference([0], [0])).toBe(0);
  });
});
