import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { createRng } from "@airlora/core";
import { beforeAll, describe, expect, it } from "vitest";
import { sampleBatch } from "./batches";
import { firstWindows, type TrainingExamples } from "./training-data";

// Rows of 8 tokens read in windows of 4; token ids say where they sit: 8 * row + position + 1 (0 is padding).
const lengths = [3, 6, 8];
const data: TrainingExamples = {
  seqLen: 8,
  tokens: Uint16Array.from({ length: 24 }, (_, i) => (i % 8 < (lengths[Math.floor(i / 8)] ?? 0) ? i + 1 : 0)),
  lengths: Uint16Array.from(lengths),
  labels: Uint8Array.from([0, 1, 0]),
};

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("sampleBatch", () => {
  it("with a window size gives one window of each drawn row, only windows that hold tokens, all of them", () => {
    const rng = createRng(4);
    const seen = new Set<string>();
    for (let draw = 0; draw < 40; draw += 1) {
      const batch = sampleBatch(data, 3, rng, true, 4);
      expect(batch.tokens.shape).toEqual([3, 4]);
      const tokens = batch.tokens.arraySync();
      const windowLengths = batch.lengths.arraySync();
      const labels = batch.labels?.arraySync() ?? [];
      tokens.forEach((window, i) => {
        const first = window[0] ?? 0;
        const row = Math.floor((first - 1) / 8);
        const start = (first - 1) % 8;
        const rowLength = lengths[row] ?? 0;
        expect(start % 4).toBe(0);
        expect(start).toBeLessThan(rowLength);
        expect(windowLengths[i]).toBe(Math.min(4, rowLength - start));
        expect(window).toEqual(
          Array.from({ length: 4 }, (_, t) => (start + t < rowLength ? 8 * row + start + t + 1 : 0)),
        );
        expect(labels[i]).toBe(data.labels?.[row]);
        seen.add(`${String(row)}:${String(start)}`);
      });
      tf.dispose([batch.tokens, batch.lengths, ...(batch.labels === undefined ? [] : [batch.labels])]);
    }
    expect([...seen].sort()).toEqual(["0:0", "1:0", "1:4", "2:0", "2:4"]);
  });

  it("without a window size gives whole rows, and refuses rows that are not whole windows", () => {
    const batch = sampleBatch(data, 2, createRng(1), false);
    expect(batch.tokens.shape).toEqual([2, 8]);
    expect(batch.labels).toBeUndefined();
    tf.dispose([batch.tokens, batch.lengths]);
    expect(() => sampleBatch(data, 2, createRng(1), false, 3)).toThrow(/not whole windows of 3/u);
  });

  it("firstWindows keeps the first window of every row with its real length", () => {
    const first = firstWindows(data, 4);
    expect(first.seqLen).toBe(4);
    expect([...first.tokens]).toEqual([1, 2, 3, 0, 9, 10, 11, 12, 17, 18, 19, 20]);
    expect([...first.lengths]).toEqual([3, 4, 4]);
    expect(first.labels).toBe(data.labels);
    expect(firstWindows(data, 8)).toBe(data);
  });
});
