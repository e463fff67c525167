import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseRank, type Stage1Input, type Stage1Record } from "./stage1";

const geometric = (decay: number, length = 32): number[] => Array.from({ length }, (_, i) => decay ** i);
const flat = (length = 32): number[] => Array.from({ length }, () => 1);

// W 20 Mbit/s over 10 clients (2 Mbit/s each, below C_bar 5 Mbit/s) for 0.5 s: S_bar = 125 000 bytes.
const channel = {
  uplinkBps: 20e6,
  expectedClients: 10,
  meanCapacityBps: 5e6,
  latencyBudgetSec: 2,
  meanComputeSec: 1.5,
};

function choose(input: Stage1Input): Stage1Record {
  const chosen = chooseRank(input);
  if (!chosen.ok) throw new Error(chosen.error.reason);
  return chosen.value;
}

describe("stage 1 rank choice", () => {
  it("computes the expected payload S_bar and the components it buys", () => {
    const record = choose({ ...channel, pilotSpectrum: geometric(0.5), bytesPerComponent: () => 20000 });
    expect(record.expectedPayloadBytes).toBeCloseTo(125000, 6);
    expect(record.candidates.map((c) => c.affordableComponents)).toEqual([6, 6, 6, 6, 6]);
    expect(record.candidates.map((c) => c.keptRatio)).toEqual([1, 1, 0.75, 0.375, 0.1875]);
    // A client's own capacity caps its payload when it is below its share of W.
    const slow = choose({ ...channel, meanCapacityBps: 1e6, pilotSpectrum: [1], bytesPerComponent: () => 20000 });
    expect(slow.expectedPayloadBytes).toBeCloseTo(62500, 6);
    const spectrumSum = record.spectrum.reduce((s, e) => s + e, 0);
    expect(spectrumSum).toBeCloseTo(1, 12);
  });

  it("takes the smallest rank whose spectrum captures 90% when the channel can carry it", () => {
    // Halving energies: r = 2 captures 75%, r = 4 captures 93.75%.
    const record = choose({ ...channel, pilotSpectrum: geometric(0.5), bytesPerComponent: () => 20000 });
    expect(record.rank).toBe(4);
    expect(record.candidates[1]?.capturedEnergy).toBeCloseTo(0.9375, 9);
    expect(record.reason).toMatch(/smallest rank capturing/);
  });

  it("sorts an unsorted pilot spectrum before taking prefixes", () => {
    const record = choose({
      ...channel,
      pilotSpectrum: [...geometric(0.5)].reverse(),
      bytesPerComponent: () => 20000,
    });
    expect(record.rank).toBe(4);
  });

  it("caps a flat spectrum's rank at what the channel affords at least a quarter of", () => {
    // Flat: 90% needs r = 32 (28.8 of 32), but 6 affordable components are 19% of 32; 16 is the largest with >= 25%.
    const record = choose({ ...channel, pilotSpectrum: flat(), bytesPerComponent: () => 20000 });
    expect(record.rank).toBe(16);
    expect(record.reason).toMatch(/capped by the channel/);
    const roomy = choose({ ...channel, pilotSpectrum: flat(), bytesPerComponent: () => 1000 });
    expect(roomy.rank).toBe(32);
  });

  it("falls back to the smallest candidate when the channel affords none and obeys an override", () => {
    const starved = choose({ ...channel, pilotSpectrum: flat(), bytesPerComponent: () => 500000 });
    expect(starved.rank).toBe(2);
    expect(starved.reason).toMatch(/affords no candidate/);
    const forced = choose({ ...channel, pilotSpectrum: flat(), bytesPerComponent: () => 500000, overrideRank: 12 });
    expect(forced.rank).toBe(12);
    expect(forced.reason).toMatch(/override/);
  });

  it("takes the largest candidate when none captures the target", () => {
    const record = choose({ ...channel, candidates: [2, 4], pilotSpectrum: flat(), bytesPerComponent: () => 1000 });
    expect(record.rank).toBe(4);
    expect(record.reason).toMatch(/no rank captures/);
  });

  it("never picks more than the energy target needs, and picks an affordable rank whenever one is small enough", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 32 }),
        fc.integer({ min: 100, max: 200000 }),
        (spectrum, bytes) => {
          fc.pre(spectrum.some((e) => e > 0));
          const record = choose({ ...channel, pilotSpectrum: spectrum, bytesPerComponent: () => bytes });
          const needed = record.candidates.find((c) => c.capturedEnergy >= 0.9 - 1e-12) ?? record.candidates.at(-1);
          expect(record.rank).toBeLessThanOrEqual(needed?.rank ?? Infinity);
          const chosen = record.candidates.find((c) => c.rank === record.rank);
          const anyAffordable = record.candidates.some((c) => c.rank <= (needed?.rank ?? 0) && c.keptRatio >= 0.25);
          if (anyAffordable) expect(chosen?.keptRatio).toBeGreaterThanOrEqual(0.25);
        },
      ),
    );
  });

  it("never settles for a rank that captures less than eta, however close", () => {
    // r = 2 holds 89%, r = 4 everything: 89% is not 90%.
    const record = choose({ ...channel, pilotSpectrum: [0.5, 0.39, 0.06, 0.05], bytesPerComponent: () => 1000 });
    expect(record.candidates[0]?.capturedEnergy).toBeCloseTo(0.89, 12);
    expect(record.rank).toBe(4);
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 32 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        (spectrum, eta) => {
          fc.pre(spectrum.some((e) => e > 0));
          const record = choose({
            ...channel,
            pilotSpectrum: spectrum,
            energyTarget: eta,
            bytesPerComponent: () => 100,
          });
          // The channel affords every rank here, so the choice is the energy rule's alone.
          const chosen = record.candidates.find((c) => c.rank === record.rank);
          const enough = record.candidates.filter((c) => c.capturedEnergy >= eta - 1e-12);
          if (enough.length === 0) expect(record.rank).toBe(record.candidates.at(-1)?.rank);
          else {
            expect(chosen?.capturedEnergy).toBeGreaterThanOrEqual(eta - 1e-12);
            expect(record.rank).toBe(enough[0]?.rank);
          }
        },
      ),
    );
  });

  it("counts a spectrum that captures exactly eta, and a channel that affords exactly rho_min, as enough", () => {
    // 9 / 10 is the double nearest 0.9, the default eta: r = 1 captures exactly the target.
    const atEta = choose({ ...channel, candidates: [1, 2, 4], pilotSpectrum: [9, 1], bytesPerComponent: () => 1000 });
    expect(atEta.candidates[0]?.capturedEnergy).toBe(0.9);
    expect(atEta.rank).toBe(1);
    // S_bar = 125,000 bytes buys 2 components of 62,500: k / r = 2 / 8 = 0.25 = rho_min at r = 8 (which 90% needs).
    const atRho = choose({ ...channel, pilotSpectrum: flat(8), bytesPerComponent: () => 62500 });
    expect(atRho.candidates.find((c) => c.rank === 8)?.keptRatio).toBe(0.25);
    expect(atRho.rank).toBe(8);
    expect(atRho.reason).toMatch(/smallest rank capturing/);
  });

  it("takes the fixed overhead off S_bar before buying components", () => {
    // 125,000 bytes less 65,000 of overhead buy 3 components of 20,000, not 6; at r = 16 that is 3 / 16 < 0.25, so
    // a flat spectrum (which 90% would take to 32) is capped at 8 instead of 16.
    const record = choose({ ...channel, pilotSpectrum: flat(), bytesPerComponent: () => 20000, overheadBytes: 65000 });
    expect(record.expectedPayloadBytes).toBeCloseTo(125000, 6);
    expect(record.candidates.map((c) => c.affordableComponents)).toEqual([3, 3, 3, 3, 3]);
    expect(record.rank).toBe(8);
  });

  it("rejects unusable input as a value", () => {
    expect(chooseRank({ ...channel, pilotSpectrum: [], bytesPerComponent: () => 1 }).ok).toBe(false);
    expect(chooseRank({ ...channel, pilotSpectrum: [0, 0], bytesPerComponent: () => 1 }).ok).toBe(false);
    expect(chooseRank({ ...channel, pilotSpectrum: [1], bytesPerComponent: () => 0 }).ok).toBe(false);
    expect(chooseRank({ ...channel, candidates: [0], pilotSpectrum: [1], bytesPerComponent: () => 1 }).ok).toBe(false);
  });
});
