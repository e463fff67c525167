import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createWorkspace, evaluateLatency } from "./evaluate-latency";
import { fitRoundLatency } from "./fit-latency";
import { requiredShare, type RateModel } from "./rate-model";
import { everyBudget } from "./stage2-reference";
import type { Stage2Input } from "./stage2-types";
import { prepareStage2 } from "./stage2-validate";

const W = 2000;
const NOISE = 1e-9;

const inputArb: fc.Arbitrary<Stage2Input> = fc.record({
  participants: fc
    .array(
      fc.record({
        tauSec: fc.double({ min: 0, max: 1.5, noNaN: true }),
        rate: fc.oneof(
          fc
            .double({ min: 200, max: 3000, noNaN: true })
            .map((capacityBps): RateModel => ({ kind: "linear", capacityBps })),
          fc.double({ min: -0.5, max: 3.5, noNaN: true }).map((log10Snr): RateModel => ({
            kind: "shannon",
            powerW: 1,
            gain: 10 ** log10Snr * W * NOISE,
            noisePsdWPerHz: NOISE,
          })),
        ),
        dataWeight: fc.double({ min: 0.1, max: 3, noNaN: true }),
        components: fc.array(
          fc.record({ energy: fc.double({ min: 0.01, max: 1, noNaN: true }), bytes: fc.integer({ min: 1, max: 30 }) }),
          { minLength: 1, maxLength: 3 },
        ),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((ps) => ps.map((p, n) => ({ ...p, clientId: `c${String(n)}` }))),
  totalBandwidth: fc.constant(W),
  virtualQueue: fc.constant(1),
  penaltyWeight: fc.constant(1),
  minBytes: fc.integer({ min: 0, max: 40 }),
  overheadBytes: fc.integer({ min: 0, max: 10 }),
});

/** The least weighted energy lost at latency t over every choice (a budget or sitting out) per client: brute force. */
function leastEnergy(input: Stage2Input, t: number): number {
  const weightSum = input.participants.reduce((s, p) => s + p.dataWeight, 0);
  const menus = input.participants.map((p) => [undefined, ...everyBudget(p, input)]);
  let best = Infinity;
  const walk = (n: number, share: number, energy: number): void => {
    if (share > 1) return;
    const menu = menus[n];
    const p = input.participants[n];
    if (menu === undefined || p === undefined) {
      best = Math.min(best, energy);
      return;
    }
    const omega = p.dataWeight / weightSum;
    for (const choice of menu) {
      if (choice === undefined) walk(n + 1, share, energy + omega);
      else {
        const needed = p.tauSec < t ? requiredShare(p.rate, W, 8 * choice.byteBudget, t - p.tauSec) : Infinity;
        walk(n + 1, share + needed, energy + omega * choice.energyLost);
      }
    }
  };
  walk(0, 0, 0);
  return best;
}

describe("one latency of stage 2", () => {
  it("bounds the least energy lost from below over the whole cell, at its start by the tangents of the shares", () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.double({ min: 0.3, max: 1.2, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (input, scale, shorter) => {
          // Around the latency at which everyone can send everything, where the uplink binds (lambda > 0).
          const all = fitRoundLatency(
            input.participants.map((p) => ({
              tauSec: p.tauSec,
              rate: p.rate,
              bits: 8 * (input.overheadBytes + p.components.reduce((s, c) => s + c.bytes, 0)),
            })),
            W,
          );
          const t = all * scale;
          const cellLo = t * (1 - shorter);
          const prepared = prepareStage2(input);
          if (!prepared.ok) throw new Error(prepared.error.reason);
          const evaluation = evaluateLatency(prepared.value, createWorkspace(prepared.value), t, 0, cellLo);
          if (!Number.isFinite(evaluation.energy)) return;
          const slack = 1e-9;
          expect(evaluation.energyLowerBound).toBeLessThanOrEqual(leastEnergy(input, t) + slack);
          expect(evaluation.tangentBoundHi).toBeLessThanOrEqual(leastEnergy(input, t) + slack);
          expect(evaluation.tangentBoundLo).toBeLessThanOrEqual(leastEnergy(input, cellLo) + slack);
          // Concave between the ends: the chord is below it, hence below E* too.
          const mid = (cellLo + t) / 2;
          expect((evaluation.tangentBoundLo + evaluation.tangentBoundHi) / 2).toBeLessThanOrEqual(
            leastEnergy(input, mid) + slack,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
