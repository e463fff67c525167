import { describe, expect, it } from "vitest";
import { defaultEvaluationBatch } from "./evaluate";

describe("defaultEvaluationBatch", () => {
  it("reads 32 rows of one window, and fewer rows as rows span more windows (at most 128 windows a pass)", () => {
    expect(defaultEvaluationBatch(128, 100)).toBe(32);
    expect(defaultEvaluationBatch(128, 128)).toBe(32);
    expect(defaultEvaluationBatch(128, 4 * 128)).toBe(32);
    expect(defaultEvaluationBatch(128, 8 * 128)).toBe(16);
    expect(defaultEvaluationBatch(128, 5 * 128)).toBe(25);
  });

  it("still reads one row when a row alone spans more than 128 windows", () => {
    expect(defaultEvaluationBatch(64, 300 * 64)).toBe(1);
  });
});
