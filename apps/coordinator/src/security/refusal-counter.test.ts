import { describe, expect, it } from "vitest";
import { MAX_REFUSAL_CODES, RefusalCounts } from "@airlora/protocol";
import { createRefusalCounter } from "./refusal-counter";

describe("refusal counter", () => {
  it("counts by code and in total, and tells its listener after every count", () => {
    const counter = createRefusalCounter();
    let heard = 0;
    counter.onChange(() => (heard += 1));
    for (const code of ["bad-message", "not-joined", "bad-message"]) counter.count(code);
    expect(counter.read()).toEqual({ total: 3, byCode: { "bad-message": 2, "not-joined": 1 } });
    expect(heard).toBe(3);
  });

  it("keeps at most MAX_REFUSAL_CODES codes, counting the rest as other, and stays valid against its schema", () => {
    const counter = createRefusalCounter();
    for (let i = 0; i < 3 * MAX_REFUSAL_CODES; i += 1) counter.count(`code-${String(i)}`);
    counter.count("code-0");
    const counts = counter.read();
    expect(Object.keys(counts.byCode)).toHaveLength(MAX_REFUSAL_CODES);
    expect(counts.byCode["code-0"]).toBe(2);
    expect(counts.byCode.other).toBe(3 * MAX_REFUSAL_CODES - (MAX_REFUSAL_CODES - 1));
    expect(counts.total).toBe(3 * MAX_REFUSAL_CODES + 1);
    expect(RefusalCounts.safeParse(counts).success).toBe(true);
  });
});
