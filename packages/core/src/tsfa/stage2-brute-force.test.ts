import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RateModel } from "./rate-model";
import { solveStage2 } from "./stage2";
import { bruteForce } from "./stage2-reference";
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
          // Letting any client sit out never costs anything (it only widens the choice).
          expect(exact).toBeLessThanOrEqual(bruteForce(input, "forced-only") + 1e-12);
          // And never better than brute force: that would mean an infeasible schedule or a wrong objective.
          expect(solved.value.objective).toBeGreaterThanOrEqual(exact * (1 - 1e-5) - 1e-9);
        }),
        { numRuns: 150 },
      );
      // The reference tries every integer budget: seconds of work, several times that on a shared, loaded machine.
    }, 60_000);
  }

  it("is within 1% of brute force with up to 6 clients of mixed component sizes", () => {
    const mixedArb = fc.record({
      participants: fc
        .array(
          fc.record({
            tauSec: fc.double({ min: 0, max: 1.5, noNaN: true }),
            rate: fc.oneof(rateArb("linear"), rateArb("shannon")),
            dataWeight: fc.double({ min: 0.1, max: 3, noNaN: true }),
            // Sizes from one of three classes, like q/v next to mlp modules.
            components: fc.array(
              fc.record({
                energy: fc.double({ min: 0.01, max: 1, noNaN: true }),
                bytes: fc.constantFrom(6, 10, 24),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { minLength: 5, maxLength: 6 },
        )
        .map((ps) => ps.map((p, n) => ({ ...p, clientId: `c${n}` }))),
      totalBandwidth: fc.constant(W),
      virtualQueue: fc.double({ min: 0.01, max: 20, noNaN: true }),
      penaltyWeight: fc.double({ min: 0.01, max: 5, noNaN: true }),
      minBytes: fc.integer({ min: 0, max: 12 }),
      overheadBytes: fc.integer({ min: 0, max: 6 }),
    });
    fc.assert(
      fc.property(mixedArb, (input) => {
        const solved = solveStage2(input);
        expect(solved.ok).toBe(true);
        if (!solved.ok) return;
        const exact = bruteForce(input);
        expect(solved.value.objective).toBeLessThanOrEqual(exact * 1.01 + 1e-9);
        expect(solved.value.objective).toBeGreaterThanOrEqual(exact * (1 - 1e-5) - 1e-9);
      }),
      { numRuns: 25 },
    );
  }, 60_000);

  it("finds a round that ends just before two stragglers can start (regression: found by brute force)", () => {
    // When stragglers could only sit out for tau_n >= T, a grid cell straddling tau = 1.5 s took its right end for
    // the whole cell and the solver settled for T = 2.94 s instead of 1.44 s with both stragglers out. With any
    // client free to sit out, the best round (V = 0: latency only) is the fastest lone client's.
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
    expect(bruteForce(input, "forced-only") / (input.virtualQueue * 1.44)).toBeCloseTo(1, 6);
    expect(solved.ok && solved.value.roundLatencySec).toBeCloseTo((8 * 36) / 675.1310285991503, 6);
  });
});
