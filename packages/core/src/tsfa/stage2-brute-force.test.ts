import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearRate, shannonRate } from "../channel/rates";
import type { RateModel } from "./rate-model";
import { selectComponents } from "./select-components";
import { solveStage2 } from "./stage2";
import type { Stage2Input, Stage2Participant } from "./stage2-types";

// Small instances in small units (bytes 1..30, W of a few kbit/s) so that the brute force can try every integer
// byte budget of every client.
const W = 2000;
const NOISE = 1e-9;

const rateArb = (kind: "linear" | "shannon"): fc.Arbitrary<RateModel> =>
  kind === "linear"
    ? fc.double({ min: 200, max: 3000, noNaN: true }).map((capacityBps) => ({ kind: "linear", capacityBps }))
    : fc.double({ min: -0.5, max: 3.5, noNaN: true }).map((log10Snr) => ({
        kind: "shannon",
        powerW: 1,
        // full-band SNR p g / (W N0) between 0.3 and 3000
        gain: 10 ** log10Snr * W * NOISE,
        noisePsdWPerHz: NOISE,
      }));

const participantArb = (kind: "linear" | "shannon"): fc.Arbitrary<Omit<Stage2Participant, "clientId">> =>
  fc.record({
    tauSec: fc.double({ min: 0, max: 1.5, noNaN: true }),
    rate: rateArb(kind),
    dataWeight: fc.double({ min: 0.1, max: 3, noNaN: true }),
    components: fc.array(
      fc.record({ energy: fc.double({ min: 0.01, max: 1, noNaN: true }), bytes: fc.integer({ min: 1, max: 30 }) }),
      { minLength: 1, maxLength: 4 },
    ),
  });

const inputArb = (kind: "linear" | "shannon"): fc.Arbitrary<Stage2Input> =>
  fc.record({
    participants: fc
      .array(participantArb(kind), { minLength: 1, maxLength: 4 })
      .map((ps) => ps.map((p, n) => ({ ...p, clientId: `c${n}` }))),
    totalBandwidth: fc.constant(W),
    virtualQueue: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 20, noNaN: true })),
    penaltyWeight: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 5, noNaN: true })),
    minBytes: fc.integer({ min: 0, max: 40 }),
    overheadBytes: fc.integer({ min: 0, max: 10 }),
  });

/** Bits per second of `share` by the spec's own formulas (channel/rates.ts). */
function rate(model: RateModel, share: number): number {
  return model.kind === "linear"
    ? linearRate(share, W, model.capacityBps)
    : shannonRate(share, W, model.powerW, model.gain, model.noisePsdWPerHz);
}

/** Share needed to send `bits` in `seconds` (Infinity if the uplink is too small): closed form for the linear
 * model, plain bisection on the spec's formula for Shannon. */
function neededShare(model: RateModel, bits: number, seconds: number): number {
  if (bits === 0) return 0;
  if (!(seconds > 0) || rate(model, 1) * seconds < bits) return Infinity;
  if (model.kind === "linear") return bits / seconds / W;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 36; i += 1) {
    const mid = (lo + hi) / 2;
    if (rate(model, mid) * seconds >= bits) hi = mid;
    else lo = mid;
  }
  return hi;
}

interface Choice {
  readonly byteBudget: number;
  readonly energyLost: number;
}

/** Every distinct outcome of the client's rule over every integer total budget >= max(S_min, overhead). */
function everyBudget(p: Stage2Participant, input: Stage2Input): Choice[] {
  const total = p.components.reduce((s, c) => s + c.energy, 0);
  const allBytes = p.components.reduce((s, c) => s + c.bytes, 0);
  const choices: Choice[] = [];
  const first = Math.max(input.minBytes, input.overheadBytes);
  for (let b = first; b <= Math.max(first, input.overheadBytes + allBytes); b += 1) {
    const energyLost = 1 - selectComponents(p.components, b - input.overheadBytes).energyKept / total;
    if (!choices.some((c) => Math.abs(c.energyLost - energyLost) < 1e-12)) choices.push({ byteBudget: b, energyLost });
  }
  return choices;
}

/** Least V sum omega E + Q T over every per-client choice (a budget, or sitting out), T found by bisection. */
function bruteForce(input: Stage2Input): number {
  const { participants, penaltyWeight: v, virtualQueue: q } = input;
  const weightSum = participants.reduce((s, p) => s + p.dataWeight, 0);
  const menus = participants.map((p) => [undefined, ...everyBudget(p, input)]);
  let best = Infinity;
  const picks: (Choice | undefined)[] = [];
  const fits = (t: number): boolean =>
    participants.reduce((s, p, n) => {
      const pick = picks[n];
      return s + (pick === undefined ? 0 : neededShare(p.rate, 8 * pick.byteBudget, t - p.tauSec));
    }, 0) <= 1;
  const score = (): void => {
    const inside = participants.filter((_, n) => picks[n] !== undefined);
    if (inside.length === 0) return;
    const energy = participants.reduce((s, p, n) => s + (p.dataWeight / weightSum) * (picks[n]?.energyLost ?? 1), 0);
    let lo = Math.max(...inside.map((p) => p.tauSec));
    // Skipping a choice that cannot win even with T at its lower bound keeps the search exhaustive and exact.
    if (v * energy + q * lo >= best) return;
    let hi = lo + 1;
    while (!fits(hi)) hi = lo + 2 * (hi - lo);
    for (let i = 0; i < 200 && hi - lo > 1e-8 * hi; i += 1) {
      const mid = (lo + hi) / 2;
      if (fits(mid)) hi = mid;
      else lo = mid;
    }
    // Sitting out is only possible for a client that could not start uploading before T.
    if (participants.some((p, n) => picks[n] === undefined && p.tauSec < hi)) return;
    best = Math.min(best, v * energy + q * hi);
  };
  const walk = (n: number): void => {
    const menu = menus[n];
    if (menu === undefined) {
      score();
      return;
    }
    for (const choice of menu) {
      picks[n] = choice;
      walk(n + 1);
    }
  };
  walk(0);
  return best;
}

describe("stage 2 against brute force", () => {
  for (const kind of ["linear", "shannon"] as const) {
    it(`is within 1% of the best objective over every budget and every round latency (${kind} rate)`, () => {
      fc.assert(
        fc.property(inputArb(kind), (input) => {
          const solved = solveStage2(input);
          expect(solved.ok).toBe(true);
          if (!solved.ok) return;
          const exact = bruteForce(input);
          expect(solved.value.objective).toBeLessThanOrEqual(exact * 1.01 + 1e-9);
          // And never better than brute force: that would mean an infeasible schedule or a wrong objective.
          expect(solved.value.objective).toBeGreaterThanOrEqual(exact * (1 - 1e-5) - 1e-9);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("finds a round that ends just before two stragglers can start (regression: found by brute force)", () => {
    // Without every tau_n among the search points, a grid cell straddling tau = 1.5 s took its (infeasible) right
    // end for the whole cell and the solver settled for T = 2.94 s instead of 1.44 s with both stragglers out.
    const component = (energy: number, bytes: number): { energy: number; bytes: number } => ({ energy, bytes });
    const input: Stage2Input = {
      participants: [
        {
          clientId: "straggler-0",
          tauSec: 1.4999999999999976,
          rate: { kind: "linear", capacityBps: 200.0000000000004 },
          dataWeight: 0.4623571777645676,
          components: [component(0.0915, 10), component(0.015, 15), component(0.0392, 21), component(0.2854, 30)],
        },
        {
          clientId: "fast-1",
          tauSec: 0,
          rate: { kind: "linear", capacityBps: 675.1310285991503 },
          dataWeight: 0.9070472602140726,
          components: [component(0.5385, 17)],
        },
        {
          clientId: "straggler-2",
          tauSec: 1.4999999999999973,
          rate: { kind: "linear", capacityBps: 294.45682615028176 },
          dataWeight: 0.16656426772784344,
          components: [component(0.4459, 20), component(0.0588, 25), component(0.1221, 15), component(0.0766, 29)],
        },
        {
          clientId: "fast-3",
          tauSec: 0,
          rate: { kind: "linear", capacityBps: 200.00000000000006 },
          dataWeight: 2.0614275692095223,
          components: [component(0.2404, 22), component(0.0122, 24)],
        },
      ],
      totalBandwidth: W,
      virtualQueue: 0.05082414230925132,
      penaltyWeight: 0,
      minBytes: 36,
      overheadBytes: 9,
    };
    const solved = solveStage2(input);
    expect(solved.ok && solved.value.objective).toBeCloseTo(bruteForce(input), 6);
    expect(solved.ok && solved.value.roundLatencySec).toBeCloseTo(1.44, 6);
  });
});
