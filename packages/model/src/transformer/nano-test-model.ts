// The randomly initialised nano model that the tfjs unit tests run on, on the cpu backend: built before a test
// file's tests and disposed after them.
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll } from "vitest";
import { PRESETS } from "../config/model-config";
import { initGpt2Weights } from "../weights/gpt2-layout";
import { createGpt, disposeGpt, type GptModel } from "./gpt";

/** Registers the set-up and tear-down in the calling test file; the returned getter works inside its tests. */
export function useNanoModel(seed: number): () => GptModel {
  let model: GptModel | undefined;
  beforeAll(async () => {
    await tf.setBackend("cpu");
    model = createGpt(PRESETS.nano, initGpt2Weights(PRESETS.nano, seed));
  });
  afterAll(() => {
    if (model !== undefined) disposeGpt(model);
  });
  return () => {
    if (model === undefined) throw new Error("the nano test model exists only while the tests run");
    return model;
  };
}
