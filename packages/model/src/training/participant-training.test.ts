import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { benchParticipantStep } from "../bench/participant-step-bench";
import { PRESETS } from "../config/model-config";
import { PARTICIPANT_TRAINING } from "./participant-training";

describe("PARTICIPANT_TRAINING", () => {
  it("keeps one step of tiny at rank 32 (the largest TSFA picks) within 300 MB of tensor memory on wasm", async () => {
    await tf.setBackend("wasm");
    const figures = await benchParticipantStep(PRESETS.tiny, "wasm", PARTICIPANT_TRAINING.tiny, { rank: 32, steps: 0 });
    expect(figures.peakMegabytes).toBeLessThanOrEqual(300);
    // Well above the weights alone (4.3 MB): the profile did see the step.
    expect(figures.peakMegabytes).toBeGreaterThan(50);
  }, 60_000);

  it("splits no step into more micro-batches than rows, and reads rows that fit the shard format", () => {
    for (const [preset, config] of Object.entries(PARTICIPANT_TRAINING)) {
      const model = PRESETS[preset as keyof typeof PRESETS];
      expect(config.microBatchSize).toBeGreaterThanOrEqual(1);
      expect(config.microBatchSize).toBeLessThanOrEqual(config.batchSize);
      expect(Number.isInteger(config.contextWindows) && config.contextWindows >= 1).toBe(true);
      expect(config.contextWindows * model.nCtx).toBeLessThanOrEqual(65535);
    }
  });
});
