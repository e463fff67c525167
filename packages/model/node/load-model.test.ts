import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { createTokenizer } from "../src/tokenizer/tokenizer";
import { classifierFeatureWidth } from "../src/transformer/classifier-features";
import { createGpt, disposeGpt, hiddenStates, lmLogits } from "../src/transformer/gpt";
import { sha256Hex } from "./files";
import { PRESETS } from "../src/config/model-config";
import { writeSafetensors } from "../src/safetensors/safetensors";
import { loadBaseModel, loadBaseWeights, modelDir } from "./load-model";
import { POOLING_CENTRE_TENSOR, parsePoolingCentre } from "./pooling-centre-file";

describe("committed base models", () => {
  for (const preset of ["nano", "tiny"] as const) {
    it(`${preset}: loads, matches its model card's sha256 and predicts text better than chance`, async () => {
      await tf.setBackend("cpu");
      const files = loadBaseModel(preset);
      if (!files.ok) throw new Error(files.error.reason);
      const card = readFileSync(join(modelDir(preset), "MODEL_CARD.md"), "utf8");
      expect(card).toContain(sha256Hex(files.value.modelBytes));
      expect(files.value.poolingCentre).toHaveLength(classifierFeatureWidth(files.value.config));

      const tokenizer = createTokenizer(files.value.vocab);
      const ids = tokenizer.encode("It was the best of times, it was the worst of times, it was the age of wisdom.");
      const model = createGpt(files.value.config, files.value.weights);
      try {
        const loss = tf.tidy(() => {
          const input = tf.tensor2d(ids.slice(0, -1), [1, ids.length - 1], "int32");
          const logits = lmLogits(model, hiddenStates(model, input));
          const targets = tf.tensor1d(ids.slice(1), "int32");
          const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(targets, files.value.config.vocabSize)), 1);
          return -(tf.mean(picked).dataSync()[0] ?? Number.NaN);
        });
        // A uniform guess costs ln(vocab) nats per token; a pretrained model must do clearly better.
        expect(loss).toBeLessThan(Math.log(files.value.config.vocabSize) - 1);
      } finally {
        disposeGpt(model);
      }
    });
  }

  it("refuses a pooling centre of the wrong width or with a value that is not finite", () => {
    const config = PRESETS.nano;
    const file = (data: Float32Array): Uint8Array =>
      writeSafetensors(new Map([[POOLING_CENTRE_TENSOR, { shape: [data.length], data }]]));
    const width = classifierFeatureWidth(config);
    expect(parsePoolingCentre(config, file(new Float32Array(width))).ok).toBe(true);
    const short = parsePoolingCentre(config, file(new Float32Array(width - 1)));
    expect(!short.ok && short.error.reason).toMatch(/must hold pooling.centre \[192\]/u);
    const nan = parsePoolingCentre(config, file(new Float32Array(width).fill(Number.NaN)));
    expect(!nan.ok && nan.error.reason).toMatch(/not finite/u);
    const garbage = parsePoolingCentre(config, new Uint8Array([1, 2, 3]));
    expect(garbage.ok).toBe(false);
  });

  it("loads weights without a pooling centre (to measure one), but not a whole model", () => {
    const dir = mkdtempSync(join(tmpdir(), "airlora-model-"));
    try {
      for (const name of ["config.json", "model.safetensors", "tokenizer.json"]) {
        copyFileSync(join(modelDir("nano"), name), join(dir, name));
      }
      expect(loadBaseWeights("nano", dir).ok).toBe(true);
      const whole = loadBaseModel("nano", dir);
      expect(!whole.ok && whole.error.reason).toMatch(new RegExp(`^${dir}: .*pooling-centre.safetensors`, "u"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a folder whose config does not match the preset", () => {
    const files = loadBaseModel("nano", modelDir("tiny"));
    expect(!files.ok && files.error.reason).toMatch(/does not match the nano preset/u);
  });
});
