import * as tf from "@tensorflow/tfjs";
import { createRng, type AdapterState } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { evaluateAdapter } from "./evaluate";
import { trainLocally, type LocalTrainingOptions } from "./local-trainer";
import { relativeDifference } from "./step-gradients";
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
    expect(result.stepsDone).toBe(30);
    expect(result.stoppedBy).toBe("steps");
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

  it("stops before the first step past the deadline, on the clock it is given, and reports it", async () => {
    let clock = 1000; // a simulated clock: each step takes 10 ms of it
    const done: number[] = [];
    const result = await trainLocally(nanoModel(), spec, task, startAdapter(2), toyData(16, 1), {
      steps: 10,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0,
      seed: 3,
      deadlineMs: 1025,
      now: () => clock,
      onProgress: (p) => {
        done.push(p.step);
        clock += 10;
      },
    });
    // Steps start at 1000, 1010 and 1020; at 1030 the deadline has passed.
    expect(result.stepsDone).toBe(3);
    expect(done).toEqual([1, 2, 3]);
    expect(result.stoppedBy).toBe("deadline");
    expect(result.tokens).toBeGreaterThan(0);
    expect(Number.isFinite(result.meanLoss)).toBe(true);
  });

  it("aborted before it starts, returns the start adapter (copies) after 0 steps without throwing", async () => {
    const start = startAdapter(5);
    const tensorsBefore = tf.memory().numTensors;
    const result = await trainLocally(nanoModel(), spec, task, start, toyData(8, 2), {
      steps: 5,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0.01,
      seed: 1,
      signal: { aborted: true },
      deadlineMs: Number.POSITIVE_INFINITY,
    });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(result).toMatchObject({ stepsDone: 0, stoppedBy: "abort", tokens: 0 });
    expect(result.meanLoss).toBeNaN();
    expect(result.lastLoss).toBeNaN();
    expect(result.adapter).toEqual(start);
    expect(result.adapter.modules[0]?.a).not.toBe(start.modules[0]?.a);
    expect(result.adapter.dense[0]).not.toBe(start.dense[0]);
  });

  it("stops at the step after the signal is aborted, and a past deadline stops it before any step", async () => {
    const signal = { aborted: false };
    const aborted = await trainLocally(nanoModel(), spec, task, startAdapter(5), toyData(8, 2), {
      steps: 5,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0,
      seed: 1,
      signal,
      onProgress: (p) => {
        if (p.step === 2) signal.aborted = true;
      },
    });
    expect(aborted).toMatchObject({ stepsDone: 2, stoppedBy: "abort" });
    const late = await trainLocally(nanoModel(), spec, task, startAdapter(5), toyData(8, 2), {
      steps: 5,
      batchSize: 4,
      learningRate: 1e-2,
      softLambda: 0,
      seed: 1,
      deadlineMs: 0,
    });
    expect(late).toMatchObject({ stepsDone: 0, stoppedBy: "deadline" });
  });

  it("still refuses a shard without examples, and refuses a micro-batch that is not a whole number of rows", async () => {
    const empty = { seqLen: 12, tokens: new Uint16Array(0), lengths: new Uint16Array(0), labels: new Uint8Array(0) };
    await expect(
      trainLocally(nanoModel(), spec, task, startAdapter(1), empty, {
        steps: 1,
        batchSize: 4,
        learningRate: 1e-2,
        softLambda: 0,
        seed: 1,
      }),
    ).rejects.toThrow(/no training examples/u);
    for (const microBatchSize of [0, 1.5]) {
      await expect(
        trainLocally(nanoModel(), spec, task, startAdapter(1), toyData(8, 1), {
          steps: 1,
          batchSize: 4,
          microBatchSize,
          learningRate: 1e-2,
          softLambda: 0,
          seed: 1,
        }),
      ).rejects.toThrow(/microBatchSize/u);
    }
  });
});

describe("micro-batches (gradient accumulation)", () => {
  /** Every factor and dense tensor of two runs: the largest relative difference. */
  const largestDifference = (x: AdapterState, y: AdapterState): number =>
    Math.max(
      ...x.modules.flatMap((m, i) => [
        relativeDifference(m.a, y.modules[i]?.a ?? []),
        relativeDifference(m.b, y.modules[i]?.b ?? []),
      ]),
      ...x.dense.map((d, i) => relativeDifference(d, y.dense[i] ?? [])),
    );

  it("give a classifier the unsplit step's parameters after 2 steps, random windows of long rows included", async () => {
    const rows = 12;
    const seqLen = 3 * config.nCtx;
    const rng = createRng(4);
    const data = {
      seqLen,
      tokens: Uint16Array.from({ length: rows * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
      lengths: Uint16Array.from({ length: rows }, (_, i) => seqLen - 37 * i),
      labels: Uint8Array.from({ length: rows }, (_, i) => i % 2),
    };
    const embSpec = adapterSpecFor(config, { rank: 4, targets: ["emb", "q", "v", "mlp"], head: task });
    const start = randomAdapter(embSpec.modules, embSpec.dense, 11);
    const train = (microBatchSize?: number) =>
      trainLocally(nanoModel(), embSpec, task, start, data, {
        steps: 2,
        batchSize: 8,
        learningRate: 1e-3,
        softLambda: 0.1,
        windows: "random",
        seed: 5,
        ...(microBatchSize === undefined ? {} : { microBatchSize }),
      });
    const whole = await train();
    const tensorsBefore = tf.memory().numTensors;
    const split = await train(3); // micro-batches of 3, 3 and 2 rows
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(split.tokens).toBe(whole.tokens);
    expect(Math.abs(split.lastLoss - whole.lastLoss)).toBeLessThan(1e-5 * Math.abs(whole.lastLoss));
    expect(largestDifference(split.adapter, whole.adapter)).toBeLessThan(1e-4);
    // At or above the batch size nothing is split: the same step, bit for bit.
    expect((await train(8)).adapter).toEqual(whole.adapter);
  }, 60_000);

  it("give a language model the unsplit step's parameters after 2 steps", async () => {
    const lm: TaskHead = { kind: "lm" };
    const lmSpec = adapterSpecFor(config, { rank: 2, targets: ["q", "v", "o"], head: lm });
    const seqLen = config.nCtx + 1;
    const rows = 6;
    const rng = createRng(8);
    const data = {
      seqLen,
      tokens: Uint16Array.from({ length: rows * seqLen }, () => 2 + rng.int(config.vocabSize - 2)),
      lengths: new Uint16Array(rows).fill(seqLen),
    };
    const start = randomAdapter(lmSpec.modules, lmSpec.dense, 12);
    const train = (options: Partial<LocalTrainingOptions>) =>
      trainLocally(nanoModel(), lmSpec, lm, start, data, {
        steps: 2,
        batchSize: 4,
        learningRate: 1e-3,
        softLambda: 0.1,
        seed: 6,
        ...options,
      });
    const whole = await train({});
    const split = await train({ microBatchSize: 1 });
    expect(Math.abs(split.lastLoss - whole.lastLoss)).toBeLessThan(1e-5 * Math.abs(whole.lastLoss));
    expect(largestDifference(split.adapter, whole.adapter)).toBeLessThan(1e-4);
  }, 60_000);
});

/** A start with B != 0, so that A is trained from the first step and both factors are compared. */
function randomAdapter(
  modules: readonly { readonly d: number; readonly k: number; readonly rank: number }[],
  dense: readonly { readonly shape: readonly number[] }[],
  seed: number,
): AdapterState {
  const rng = createRng(seed);
  return {
    modules: modules.map((m) => ({
      a: Float32Array.from({ length: m.rank * m.k }, () => rng.normal() * 0.2),
      b: Float32Array.from({ length: m.d * m.rank }, () => rng.normal() * 0.2),
    })),
    dense: dense.map((t) =>
      Float32Array.from({ length: t.shape.reduce((x, y) => x * y, 1) }, () => rng.normal() * 0.1),
    ),
  };
}
