import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { initGpt2Weights } from "../weights/gpt2-layout";
import { useNanoModel } from "./nano-test-model";
import { ids, maxAbsDiff } from "./tensor-test-helpers";
import {
  classifierFeatureWidth,
  classifierFeatures,
  measurePoolingCentre,
  pooledTokenStates,
  rawClassifierFeatures,
} from "./classifier-features";
import { createGpt, disposeGpt, hiddenStates, layerStates } from "./gpt";

const config = PRESETS.nano;
const d = config.nEmbd;
const nanoModel = useNanoModel(11);

function row(length: number, offset: number): number[] {
  return Array.from({ length }, (_, t) => (t * 37 + offset) % config.vocabSize);
}

describe("layerStates", () => {
  it("gives nLayer + 1 depths, the last being hiddenStates", () => {
    tf.tidy(() => {
      const input = ids([row(6, 2)]);
      const depths = layerStates(nanoModel(), input);
      expect(depths).toHaveLength(config.nLayer + 1);
      expect(maxAbsDiff(depths[config.nLayer] ?? tf.scalar(Number.NaN), hiddenStates(nanoModel(), input))).toBe(0);
    });
  });
});

describe("pooledTokenStates", () => {
  it("is the mean then the max over the real tokens; padding never counts", () => {
    tf.tidy(() => {
      const lengths = tf.tensor1d([3, 5], "int32");
      const padded = hiddenStates(
        nanoModel(),
        ids([
          [4, 5, 6, 0, 0],
          [1, 2, 3, 4, 5],
        ]),
      );
      const otherPadding = hiddenStates(
        nanoModel(),
        ids([
          [4, 5, 6, 99, 7],
          [1, 2, 3, 4, 5],
        ]),
      );
      const a = pooledTokenStates(padded, lengths);
      expect(a.shape).toEqual([2, 2 * d]);
      expect(maxAbsDiff(a, pooledTokenStates(otherPadding, lengths))).toBeLessThan(1e-6);
      const alone = hiddenStates(nanoModel(), ids([[4, 5, 6]]));
      expect(maxAbsDiff(tf.slice(a, [0, 0], [1, d]), tf.mean(alone, 1))).toBeLessThan(1e-5);
      expect(maxAbsDiff(tf.slice(a, [0, d], [1, d]), tf.max(alone, 1))).toBeLessThan(1e-5);
    });
  });
  it("passes the max part's gradient to every maximal real token, as tf.max's gradient does", () => {
    tf.tidy(() => {
      // Ties on purpose (row 0 holds its maximum twice), and a padded row whose padding is larger than its tokens.
      const hidden = tf.tensor3d(
        [
          [
            [1, 5],
            [3, 2],
            [3, 5],
            [0, 0],
          ],
          [
            [2, 1],
            [4, 0],
            [9, 9],
            [9, 9],
          ],
        ],
        [2, 4, 2],
      );
      const lengths = tf.tensor1d([3, 2], "int32");
      const weights = tf.tensor2d([
        [0.3, -0.7, 1.1, 0.5],
        [-0.2, 0.9, 0.4, -1.3],
      ]);
      const ours = tf.grad((h: tf.Tensor) => tf.sum(tf.mul(pooledTokenStates(h as tf.Tensor3D, lengths), weights)))(
        hidden,
      );
      const tfMax = tf.grad((h: tf.Tensor) => {
        const mask = tf.tensor3d(
          [
            [[1], [1], [1], [0]],
            [[1], [1], [0], [0]],
          ],
          [2, 4, 1],
        );
        const mean = tf.div(tf.sum(tf.mul(h, mask), 1), tf.tensor2d([[3], [2]]));
        const max = tf.max(tf.add(h, tf.mul(tf.sub(mask, 1), 1e9)), 1);
        return tf.sum(tf.mul(tf.concat([mean, max], 1), weights));
      })(hidden);
      expect(maxAbsDiff(ours, tfMax)).toBeLessThan(1e-6);
      expect(tf.sum(tf.abs(ours)).dataSync()[0]).toBeGreaterThan(0);
    });
  });
});

describe("classifier features", () => {
  it("pool every depth, classifierFeatureWidth wide", () => {
    tf.tidy(() => {
      const input = ids([row(9, 4)]);
      const lengths = tf.tensor1d([9], "int32");
      const features = rawClassifierFeatures(nanoModel(), input, lengths);
      expect(features.shape).toEqual([1, classifierFeatureWidth(config)]);
      layerStates(nanoModel(), input).forEach((depth, i) => {
        const part = tf.slice(features, [0, i * 2 * d], [1, 2 * d]);
        expect(maxAbsDiff(part, pooledTokenStates(depth, lengths))).toBeLessThan(1e-6);
      });
    });
  });

  it("read a row of several contexts as independent windows and average the windows that hold tokens", () => {
    tf.tidy(() => {
      const n = config.nCtx;
      const first = row(n, 3);
      const second = row(n - 5, 11);
      // Three windows: a full one, one of n - 5 tokens, and an empty one that must not count.
      const long = [...first, ...second, ...new Array<number>(5 + n).fill(0)];
      const windowed = rawClassifierFeatures(nanoModel(), ids([long]), tf.tensor1d([2 * n - 5], "int32"));
      const alone = (tokens: number[]): tf.Tensor2D =>
        rawClassifierFeatures(nanoModel(), ids([tokens]), tf.tensor1d([tokens.length], "int32"));
      const byHand = tf.div(tf.add(alone(first), alone(second)), 2);
      expect(windowed.shape).toEqual([1, classifierFeatureWidth(config)]);
      expect(maxAbsDiff(windowed, byHand)).toBeLessThan(1e-5);
      // A row that fits one window reads the same whatever padding windows follow it.
      const short = rawClassifierFeatures(
        nanoModel(),
        ids([[...first, ...new Array<number>(2 * n).fill(0)]]),
        tf.tensor1d([n], "int32"),
      );
      expect(maxAbsDiff(short, alone(first))).toBeLessThan(1e-5);
    });
  });

  it("refuse a row longer than the context that is not whole windows", () => {
    const tokens = tf.zeros<tf.Rank.R2>([1, config.nCtx + 1], "int32");
    const lengths = tf.tensor1d([config.nCtx + 1], "int32");
    expect(() => rawClassifierFeatures(nanoModel(), tokens, lengths)).toThrow(/not whole windows/);
    tf.dispose([tokens, lengths]);
  });

  it("are centred by the measured pooling centre: the rows it was measured on average to zero", async () => {
    const seqLen = 12;
    const rows = Int32Array.from({ length: 5 * seqLen }, (_, i) => (i * 53 + 7) % config.vocabSize);
    const centre = await measurePoolingCentre(nanoModel(), rows, seqLen, 2);
    expect(centre).toHaveLength(classifierFeatureWidth(config));
    const centred = createGpt(config, initGpt2Weights(config, 11), centre);
    try {
      const meanAbs = tf.tidy(() => {
        const features = classifierFeatures(
          centred,
          tf.tensor2d(rows, [5, seqLen], "int32"),
          tf.fill<tf.Rank.R1>([5], seqLen, "int32"),
        );
        return tf.max(tf.abs(tf.mean(features, 0))).dataSync()[0] ?? Number.NaN;
      });
      expect(meanAbs).toBeLessThan(1e-5);
      expect(Math.max(...centre.map(Math.abs))).toBeGreaterThan(0.1); // the raw features do have an offset
    } finally {
      disposeGpt(centred);
    }
  });
});
