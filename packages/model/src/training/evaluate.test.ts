import { describe, expect, it } from "vitest";
import { rowsPerForwardPass } from "./evaluate";

describe("rowsPerForwardPass", () => {
  it("reads 32 rows of one window, and fewer rows as rows span more windows (at most 128 windows a pass)", () => {
    expect(rowsPerForwardPass(128, 100)).toBe(32);
    expect(rowsPerForwardPass(128, 128)).toBe(32);
    expect(rowsPerForwardPass(128, 4 * 128)).toBe(32);
    expect(rowsPerForwardPass(128, 8 * 128)).toBe(16);
    expect(rowsPerForwardPass(128, 5 * 128)).toBe(25);
  });

  it("still reads one row when a row alone spans more than 128 windows", () => {
    expect(rowsPerForwardPass(64, 300 * 64)).toBe(1);
  });
});
