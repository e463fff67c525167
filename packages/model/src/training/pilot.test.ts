import * as tf from "@tensorflow/tfjs";
import { initAdapter } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { useNanoModel } from "../transformer/nano-test-model";
import { type PilotOptions, runPilot } from "./pilot";
import { toyClassification } from "./toy-classification";

const config = PRESETS.nano;
const nanoModel = useNanoModel(5);
const options: PilotOptions = {
  steps: 3,
  batchSize: 8,
  learningRate: 0.003,
  softLambda: 0.01,
  windows: "random",
  seed: 4,
  probeIterations: 50,
  probeLearningRate: 0.01,
  probeL2: 1e-4,
};

describe("runPilot", () => {
  const task: TaskHead = { kind: "classifier", classes: 2 };
  const spec = adapterSpecFor(config, { rank: 8, targets: ["emb", "q", "v", "o", "mlp"], head: task });
  const calibration = toyClassification(32, 6);

  it("gives a spectrum of one non-negative energy per rank index, the same for the same seed", async () => {
    const tensors = tf.memory().numTensors;
    const steps: number[] = [];
    const first = await runPilot(nanoModel(), spec, task, calibration, {
      ...options,
      onProgress: (p) => steps.push(p.step),
    });
    expect(tf.memory().numTensors).toBe(tensors);
    const second = await runPilot(nanoModel(), spec, task, calibration, options);
    expect(second.spectrum).toEqual(first.spectrum);
    expect(second.importance).toEqual(first.importance);
    expect(steps).toEqual([1, 2, 3]);
    expect(first.spectrum).toHaveLength(8);
    expect(first.spectrum.every((e) => e >= 0)).toBe(true);
    expect(first.spectrum.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(first.importance).toHaveLength(spec.modules.length);
    for (const s of first.importance) expect(s).toHaveLength(8);
    // The spectrum sums the modules' importance per rank index.
    expect(first.spectrum[3]).toBeCloseTo(
      first.importance.reduce((a, s) => a + (s[3] ?? 0), 0),
      12,
    );
    expect(first.msPerStep).toBeGreaterThan(0);
    const seeds = await runPilot(nanoModel(), spec, task, calibration, { ...options, seed: 5 });
    expect(seeds.spectrum).not.toEqual(first.spectrum);
  }, 60_000);

  it("returns the probed head the fine-tune started from, fitted on the calibration rows", async () => {
    const result = await runPilot(nanoModel(), spec, task, calibration, { ...options, steps: 1 });
    const seeded = initAdapter(spec, options.seed);
    expect(result.head?.weight).toHaveLength(seeded.dense[0]?.length ?? -1);
    expect(result.head?.bias).toHaveLength(2);
    expect(result.head?.weight).not.toEqual(seeded.dense[0]);
    const unprobed = await runPilot(nanoModel(), spec, task, calibration, { ...options, steps: 1, probeIterations: 0 });
    expect(unprobed.head).toBeUndefined();
    // LoRA trained from the probed head, not the seeded one.
    expect(unprobed.spectrum).not.toEqual(result.spectrum);
  }, 60_000);

  it("runs for a language model without a head", async () => {
    const lm: TaskHead = { kind: "lm" };
    const lmSpec = adapterSpecFor(config, { rank: 4, targets: ["q", "v"], head: lm });
    const seqLen = config.nCtx + 1;
    const rows = 4;
    const windows = {
      seqLen,
      tokens: Uint16Array.from({ length: rows * seqLen }, (_, i) => 2 + ((i * 37) % 2000)),
      lengths: new Uint16Array(rows).fill(seqLen),
    };
    const result = await runPilot(nanoModel(), lmSpec, lm, windows, { ...options, steps: 2, batchSize: 2 });
    expect(result.head).toBeUndefined();
    expect(result.spectrum).toHaveLength(4);
    expect(result.spectrum.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 60_000);
});
