import { describe, expect, it } from "vitest";
import { fixedSchedule } from "./fixed-schedule";
import type { Stage2Input } from "./stage2-types";

const components = [0.1, 0.4, 0.05, 0.2, 0.15, 0.03, 0.05, 0.02].map((energy) => ({ energy, bytes: 1000 }));
const input: Stage2Input = {
  participants: [
    { clientId: "a", tauSec: 1, rate: { kind: "linear", capacityBps: 8e6 }, dataWeight: 1, components },
    { clientId: "b", tauSec: 2, rate: { kind: "linear", capacityBps: 1e6 }, dataWeight: 3, components },
  ],
  totalBandwidth: 4e6,
  virtualQueue: 2,
  penaltyWeight: 5,
  minBytes: 0,
  overheadBytes: 500,
};

describe("fixed scheduler", () => {
  it("gives equal shares and keeps the top kept-ratio of components, waiting for the slowest client", () => {
    const solved = fixedSchedule(input, 0.5);
    if (!solved.ok) throw new Error(solved.error.reason);
    const [a, b] = solved.value.clients;
    expect(a?.bandwidthShare).toBe(0.5);
    expect(a?.byteBudget).toBe(500 + 4 * 1000);
    // Top four energies 0.4 + 0.2 + 0.15 + 0.1 of 1.0.
    expect(a?.expectedEnergyLost).toBeCloseTo(0.15, 12);
    expect(a?.expectedLatencySec).toBeCloseTo(1 + (8 * 4500) / 2e6, 12);
    // b's own capacity (1 Mbit/s) is below its half of the uplink.
    expect(b?.expectedLatencySec).toBeCloseTo(2 + (8 * 4500) / 1e6, 12);
    expect(solved.value.roundLatencySec).toBeCloseTo(2.036, 12);
    expect(solved.value.objective).toBeCloseTo(5 * 0.15 + 2 * 2.036, 12);
    expect(solved.value.clients.every((c) => !c.excluded)).toBe(true);
  });

  it("raises a budget below S_min to S_min, and rejects a ratio outside [0, 1]", () => {
    const solved = fixedSchedule({ ...input, minBytes: 3000 }, 0.25);
    expect(solved.ok && solved.value.clients[0]?.byteBudget).toBe(3000);
    expect(fixedSchedule(input, 1.5).ok).toBe(false);
  });
});
