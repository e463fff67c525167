import * as tf from "@tensorflow/tfjs";
import { initAdapter } from "@airlora/core";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { adapterSpecFor, type TaskHead } from "../lora/lora-targets";
import { evaluateAdapter } from "./evaluate";
import { fitLinearHead } from "./linear-probe";
import { useNanoModel } from "../transformer/nano-test-model";
import { toyClassification } from "./toy-classification";

const config = PRESETS.nano;
const task: TaskHead = { kind: "classifier", classes: 2 };
const spec = adapterSpecFor(config, { rank: 4, head: task });
const nanoModel = useNanoModel(5);
/** A fit that learns the toy task in well under a second. */
const FIT = { classes: 2, iterations: 200, learningRate: 0.05, l2: 1e-4, batchSize: 40 } as const;

describe("fitLinearHead", () => {
  it("fits a head that classifies a learnable task through the model, leaving no tensors behind", async () => {
    const data = toyClassification(96, 3);
    const start = initAdapter(spec, 1);
    const before = await evaluateAdapter(nanoModel(), spec, task, start, data);
    const tensors = tf.memory().numTensors;
    const progress: number[] = [];
    const head = await fitLinearHead(nanoModel(), data, {
      ...FIT,
      onProgress: (done) => progress.push(done),
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(head.weight).toHaveLength(spec.dense[0]?.shape.reduce((x, y) => x * y, 1) ?? -1);
    expect(head.bias).toHaveLength(2);
    expect(head.accuracy).toBeGreaterThan(0.95);
    expect(progress.at(-1)).toBe(96 + 200);
    expect(head.rows).toBe(96);
    const after = await evaluateAdapter(nanoModel(), spec, task, { ...start, dense: [head.weight, head.bias] }, data);
    if (after.kind !== "classifier" || before.kind !== "classifier") throw new Error("classifier evaluation expected");
    expect(after.accuracy).toBeCloseTo(head.accuracy, 5);
    expect(after.loss).toBeLessThan(before.loss);
  }, 30_000);

  it("past its deadline, reads no more feature batches (one at least), stops the fit early, and says how many rows it used", async () => {
    const data = toyClassification(96, 3);
    let clock = 0;
    const progress: number[] = [];
    const tensors = tf.memory().numTensors;
    const head = await fitLinearHead(nanoModel(), data, {
      ...FIT,
      // Every reading of the clock is a second later: the deadline has passed after the second batch.
      now: () => (clock += 1000),
      deadlineAt: 1500,
      onProgress: (done) => progress.push(done),
    });
    expect(head.rows).toBe(80);
    expect(progress).toEqual([40, 80, 96 + 50]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(Number.isFinite(head.accuracy)).toBe(true);
  });

  it("stops reading features when its work is abandoned", async () => {
    const data = toyClassification(96, 3);
    const signal = { aborted: false };
    const head = await fitLinearHead(nanoModel(), data, {
      classes: 2,
      iterations: 100,
      learningRate: 0.05,
      l2: 0,
      batchSize: 40,
      signal,
      onProgress: () => (signal.aborted = true),
    });
    expect(head.rows).toBe(40);
  });

  it("refuses an unlabelled shard", async () => {
    const { seqLen, tokens, lengths } = toyClassification(4, 1);
    const unlabelled = { seqLen, tokens, lengths };
    await expect(
      fitLinearHead(nanoModel(), unlabelled, { classes: 2, iterations: 1, learningRate: 0.1, l2: 0 }),
    ).rejects.toThrow(/labelled/);
  });
});
