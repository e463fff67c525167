import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { createGpt, disposeGpt } from "../transformer/gpt";
import { parityFixture } from "./parity-fixture";
import { compareStep, relativeDifference, stepGradients, type StepGradients } from "./step-gradients";

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

describe("compareStep", () => {
  const reference: StepGradients = {
    loss: 0.7,
    gradients: [Float32Array.of(1, 2), Float32Array.of(0.5)],
    missing: 0,
  };
  it("judges a comparable step by its relative differences", () => {
    const verdict = compareStep(reference, { ...reference, loss: 0.7007 });
    if (!verdict.ok) throw new Error(verdict.reason);
    expect(verdict.lossRelativeDifference).toBeCloseTo(1e-3, 6);
    expect(verdict.maxGradientRelativeDifference).toBe(0);
  });
  it.each([
    ["no gradients", { ...reference, gradients: [] }, /no gradients/u],
    ["a missing gradient", { ...reference, missing: 1 }, /no gradient for 1/u],
    ["fewer gradients", { ...reference, gradients: [Float32Array.of(1, 2)] }, /1 gradients, the reference has 2/u],
    ["another shape", { ...reference, gradients: [Float32Array.of(1), Float32Array.of(0.5)] }, /gradient 0 has 1/u],
    ["all zeros", { ...reference, gradients: [new Float32Array(2), new Float32Array(1)] }, /every gradient is zero/u],
    ["a NaN loss", { ...reference, loss: Number.NaN }, /the loss is NaN/u],
  ])("refuses a step with %s", (_name, got, reason) => {
    const verdict = compareStep(reference, got);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });
});
