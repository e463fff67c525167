import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { useNanoModel } from "./nano-test-model";
import { ids, maxAbsDiff } from "./tensor-test-helpers";
import { EMBEDDING_MODULE, hiddenStates, lmLogits } from "./gpt";

const config = PRESETS.nano;
const nanoModel = useNanoModel(11);

describe("GPT forward pass", () => {
  it("is causal: changing a later token leaves earlier positions untouched", () => {
    tf.tidy(() => {
      const a = hiddenStates(nanoModel(), ids([[5, 6, 7, 8, 9]]));
      const b = hiddenStates(nanoModel(), ids([[5, 6, 7, 8, 1000]]));
      expect(a.shape).toEqual([1, 5, config.nEmbd]);
      expect(maxAbsDiff(tf.slice(a, [0, 0, 0], [1, 4, -1]), tf.slice(b, [0, 0, 0], [1, 4, -1]))).toBeLessThan(1e-6);
      expect(maxAbsDiff(tf.slice(a, [0, 4, 0], [1, 1, -1]), tf.slice(b, [0, 4, 0], [1, 1, -1]))).toBeGreaterThan(1e-3);
    });
  });

  it("embeds by oneHot matmul exactly as by gather", () => {
    tf.tidy(() => {
      const input = ids([
        [1, 2, 3],
        [4, 5, 6],
      ]);
      expect(
        maxAbsDiff(hiddenStates(nanoModel(), input), hiddenStates(nanoModel(), input, { embedByMatmul: true })),
      ).toBeLessThan(1e-5);
    });
  });

  it("adds scale * x A^T B^T: LoRA on attn.o equals editing c_proj by scale * (B A)^T", () => {
    tf.tidy(() => {
      const n = config.nEmbd;
      const r = 2;
      const a = tf.randomNormal([r, n], 0, 0.3, "float32", 1);
      const b = tf.randomNormal([n, r], 0, 0.3, "float32", 2);
      const scale = 1.5;
      const input = ids([[3, 1, 4, 1, 5, 9]]);
      const withLora = hiddenStates(nanoModel(), input, {
        lora: { scale, modules: new Map([["h.1.attn.o", { a, b }]]) },
      });
      const edited = new Map(nanoModel().weights);
      const proj = nanoModel().weights.get("h.1.attn.c_proj.weight");
      if (proj === undefined) throw new Error("missing weight");
      edited.set("h.1.attn.c_proj.weight", tf.add(proj, tf.mul(tf.transpose(tf.matMul(b, a)), scale)));
      const merged = hiddenStates({ config, weights: edited }, input);
      expect(maxAbsDiff(withLora, merged)).toBeLessThan(1e-4);
      expect(maxAbsDiff(withLora, hiddenStates(nanoModel(), input))).toBeGreaterThan(1e-3);
    });
  });

  it("LoRA on the token embedding (wte) shifts each input token by scale * B A[:, id], not the tied LM head", () => {
    tf.tidy(() => {
      const r = 3;
      const a = tf.randomNormal([r, config.vocabSize], 0, 0.3, "float32", 3);
      const b = tf.randomNormal([config.nEmbd, r], 0, 0.3, "float32", 4);
      const scale = 0.7;
      const input = ids([
        [2, 7, 1, 8],
        [2, 8, 1, 8],
      ]);
      const lora = { scale, modules: new Map([[EMBEDDING_MODULE, { a, b }]]) };
      const wte = nanoModel().weights.get("wte.weight");
      if (wte === undefined) throw new Error("missing weight");
      const edited = new Map(nanoModel().weights);
      edited.set("wte.weight", tf.add(wte, tf.mul(tf.transpose(tf.matMul(b, a)), scale)));
      const withLora = hiddenStates(nanoModel(), input, { lora });
      expect(maxAbsDiff(withLora, hiddenStates({ config, weights: edited }, input))).toBeLessThan(1e-4);
      expect(maxAbsDiff(withLora, hiddenStates(nanoModel(), input))).toBeGreaterThan(1e-3);
      expect(maxAbsDiff(withLora, hiddenStates(nanoModel(), input, { lora, embedByMatmul: true }))).toBeLessThan(1e-4);
      // The output projection reads the frozen wte: the same hidden states give the same logits with or without it.
      expect(
        maxAbsDiff(lmLogits(nanoModel(), withLora), lmLogits({ config, weights: edited }, withLora)),
      ).toBeGreaterThan(1e-3);
    });
  });

  it("with B = 0 the adapter changes nothing", () => {
    tf.tidy(() => {
      const n = config.nEmbd;
      const lora = {
        scale: 2,
        modules: new Map([["h.0.attn.q", { a: tf.randomNormal([4, n]), b: tf.zeros([n, 4]) }]]),
      };
      const input = ids([[7, 8, 9]]);
      expect(maxAbsDiff(hiddenStates(nanoModel(), input, { lora }), hiddenStates(nanoModel(), input))).toBe(0);
    });
  });
});
