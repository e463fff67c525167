import { describe, expect, it } from "vitest";
import { parseFault } from "./faults";

describe("fault flags", () => {
  it("reads KIND@ROUND and slow-upload=BPS", () => {
    expect(parseFault("corrupt@3")).toEqual({ kind: "corrupt", round: 3 });
    expect(parseFault("over-budget@12")).toEqual({ kind: "over-budget", round: 12 });
    expect(parseFault("slow-upload=150000")).toEqual({ kind: "slow-upload", bps: 150_000 });
  });

  it("refuses what it does not know", () => {
    for (const text of ["corrupt", "melt@2", "slow-upload=fast", "slow-upload=5", "corrupt@-1", ""]) {
      expect(parseFault(text)).toBeUndefined();
    }
  });
});
