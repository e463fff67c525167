import * as tf from "@tensorflow/tfjs";
import { createRng, type AdapterState } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { evaluateAdapter } from "./evaluate";
import { trainLocally } from "./local-trainer";
import { useNanoModel } from "../transformer/nano-test-model";
import { toyClassification as toyData } from "./toy-classification";

const config = PRESETS.nano;
const task: TaskHead = { kind: "classifier", classes: 2 };
const spec = adapterSpecFor(config, { rank: 4, head: task });
const nanoModel = useNanoModel(5);

function startAdapter(seed: number): AdapterState {
  const rng = createRng(seed);
  return {
    modules: spec.modules.map((m) => ({
      a: Float32Array.from({ length: m.rank * m.k }, () => rng.normal() / Math.sqrt(m.k)),
      b: new Float32Array(m.d * m.rank),
    })),
    dense: spec.dense.map((t) =>
      Float32Array.from({ length: t.shape.reduce((x, y) => x * y, 1) }, () => rng.normal() * 0.02),
    ),
  };
}

describe("local LoRA trainer", () => {
  it("lowers the loss on a learnable task and leaves no tensors behind", async () => {
    const data = toyData(64, 1);
    const start = startAdapter(2);
    const before = await evaluateAdapter(nanoModel(), spec, task, start, data);
    const tensorsBefore = tf.memory().numTensors;
    const progress: number[] = [];
    const result = await trainLocally(nanoModel(), spec, task, start, data, {
      steps: 30,
      batchSize: 16,
      learningRate: 1e-2,
      softLambda: 0.01,
      seed: 3,
      onProgress: (p) => progress.push(p.step),
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(progress).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const after = await evaluateAdapter(nanoModel(), spec, task, result.adapter, data);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(after.loss).toBeLessThan(before.loss * 0.8);
    expect(after.kind === "classifier" && after.accuracy).toBeGreaterThan(0.8);
  }, 60_000);

  it("with random windows reads one context of each long row per step and leaves no tensors behind", async () => {
    // Rows of three contexts, every token real: whole rows would count 3 * nCtx tokens per row.
    const rows = 8;
    const seqLen = 3 * config.nCtx;
    const rng = createRng(9);
    const data = {
      seqLen,
      tokens: Uint16Array.from({ length: rows * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
      lengths: new Uint16Array(rows).fill(seqLen),
      labels: Uint8Array.from({ length: rows }, (_, i) => i % 2),
    };
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainLocally(nanoModel(), spec, task, startAdapter(8), data, {
      steps: 2,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0.01,
      windows: "random",
      seed: 2,
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(result.tokens).toBe(2 * 4 * config.nCtx);
    expect(Number.isFinite(result.lastLoss)).toBe(true);
  }, 30_000);

  it("leaves LM rows (nCtx + 1 tokens: inputs and shifted targets) whole when asked for random windows", async () => {
    const lm: TaskHead = { kind: "lm" };
    const lmSpec = adapterSpecFor(config, { rank: 2, head: lm });
    const seqLen = config.nCtx + 1;
    const rng = createRng(3);
    const data = {
      seqLen,
      tokens: Uint16Array.from({ length: 2 * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
      lengths: new Uint16Array(2).fill(seqLen),
    };
    const start = {
      modules: lmSpec.modules.map((m) => ({
        a: new Float32Array(m.rank * m.k).fill(0.01),
        b: new Float32Array(m.d * m.rank),
      })),
      dense: [],
    };
    const result = await trainLocally(nanoModel(), lmSpec, lm, start, data, {
      steps: 1,
      batchSize: 2,
      learningRate: 1e-3,
      softLambda: 0,
      windows: "random",
      seed: 1,
    });
    expect(result.tokens).toBe(2 * seqLen);
  }, 30_000);

  it("keeps A exactly at its start when A is frozen (ffa) and still trains B", async () => {
    const start = startAdapter(4);
    const result = await trainLocally(nanoModel(), spec, task, start, toyData(32, 2), {
      steps: 3,
      batchSize: 8,
      learningRate: 1e-2,
      softLambda: 0,
      freezeA: true,
      seed: 1,
    });
    result.adapter.modules.forEach((m, i) => {
      expect(m.a).toEqual(start.modules[i]?.a);
      expect(m.b.some((x) => x !== 0)).toBe(true);
    });
  });

  it("replays exactly for the same seed", async () => {
    const run = () =>
      trainLocally(nanoModel(), spec, task, startAdapter(6), toyData(16, 3), {
        steps: 2,
        batchSize: 4,
        learningRate: 1e-2,
        softLambda: 0.1,
        seed: 9,
      });
    const [x, y] = [await run(), await run()];
    expect(x.adapter.modules[0]?.b).toEqual(y.adapter.modules[0]?.b);
  });

  it("lets timers and I/O run between steps (a virtual client's socket must stay served)", async () => {
    let stepWhenTimerFired = -1;
    let step = 0;
    (globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown }).setTimeout(() => {
      stepWhenTimerFired = step;
    }, 0);
    await trainLocally(nanoModel(), spec, task, startAdapter(8), toyData(8, 4), {
      steps: 3,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0,
      seed: 2,
      onProgress: (p) => {
        step = p.step;
      },
    });
    expect(stepWhenTimerFired).toBeGreaterThanOrEqual(0);
    expect(stepWhenTimerFired).toBeLessThan(3);
  });

  it("uses the peak learning rate throughout by default, and warms up then decays it with the cosine schedule", async () => {
    const rates = async (schedule?: "cosine"): Promise<number[]> => {
      const seen: number[] = [];
      await trainLocally(nanoModel(), spec, task, startAdapter(7), toyData(16, 4), {
        steps: 20,
        batchSize: 4,
        learningRate: 0.01,
        softLambda: 0,
        seed: 2,
        ...(schedule === undefined ? {} : { schedule }),
        onProgress: (p) => seen.push(p.learningRate),
      });
      return seen;
    };
    expect(new Set(await rates())).toEqual(new Set([0.01]));
    const cosine = await rates("cosine");
    expect(cosine[0]).toBeCloseTo(0.005); // warm-up: 2 steps of 20
    expect(cosine[1]).toBeCloseTo(0.01);
    expect(cosine[19]).toBeLessThan(0.0015);
    for (let i = 2; i < 20; i += 1) expect(cosine[i] ?? 0).toBeLessThanOrEqual(cosine[i - 1] ?? 0);
  }, 60_000);
});
