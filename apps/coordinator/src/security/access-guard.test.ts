import { describe, expect, it } from "vitest";
import { createAccessGuard, DEFAULT_ACCESS_LIMITS, type AccessLimits } from "./access-guard";

function guardAt(limits: Partial<AccessLimits> = {}) {
  let t = 1_000_000;
  const guard = createAccessGuard({ ...DEFAULT_ACCESS_LIMITS, ...limits }, () => t);
  return {
    guard,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("access guard", () => {
  it("lets an address make a few mistakes for free, then doubles its wait with every further wrong token", () => {
    const { guard, advance } = guardAt();
    for (let i = 0; i < 5; i += 1) guard.failed("10.0.0.1");
    expect(guard.waitMs("10.0.0.1")).toBe(0);
    const waits: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      guard.failed("10.0.0.1");
      waits.push(guard.waitMs("10.0.0.1"));
      advance(waits.at(-1) ?? 0);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    expect(guard.waitMs("10.0.0.2")).toBe(0); // another address is not affected
  });

  it("caps the wait, and forgets an address that stayed quiet long enough", () => {
    const { guard, advance } = guardAt();
    for (let i = 0; i < 40; i += 1) guard.failed("10.0.0.1");
    expect(guard.waitMs("10.0.0.1")).toBe(DEFAULT_ACCESS_LIMITS.maxBackoffMs);
    advance(DEFAULT_ACCESS_LIMITS.forgetAfterMs + 1);
    guard.failed("10.0.0.1");
    expect(guard.waitMs("10.0.0.1")).toBe(0);
  });

  it("holds at most the per-address and total connection caps, and frees a slot on close", () => {
    const { guard } = guardAt({ connectionsPerAddress: 2, connections: 3 });
    expect([guard.openConnection("a"), guard.openConnection("a"), guard.openConnection("a")]).toEqual([
      true,
      true,
      false,
    ]);
    expect(guard.openConnection("b")).toBe(true);
    expect(guard.openConnection("c")).toBe(false); // the total cap
    guard.closeConnection("a");
    expect(guard.openConnection("c")).toBe(true);
    expect(guard.counters().connectionsRefused).toBe(2);
  });

  it("tracks a bounded number of addresses whatever a flood of them does", () => {
    const { guard } = guardAt({ trackedAddresses: 100, freeFailures: 0 });
    for (let i = 0; i < 10_000; i += 1) guard.failed(`10.${String(i >> 8)}.${String(i & 255)}.1`);
    expect(guard.counters().addressesWaiting).toBeLessThanOrEqual(100);
    expect(guard.counters().wrongTokens).toBe(10_000);
  });
});
