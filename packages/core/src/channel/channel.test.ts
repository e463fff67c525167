import { describe, expect, it } from "vitest";
import { createChannel, type Channel } from "./channel";

function channel(seed: number, clientCount = 8): Channel {
  const made = createChannel({ clientCount }, seed);
  if (!made.ok) throw new Error(made.error.reason);
  return made.value;
}

describe("seeded channel", () => {
  it("replays every draw for the same seed and differs for another seed", () => {
    const a = channel(5);
    const b = channel(5);
    const c = channel(6);
    expect(b.clients).toEqual(a.clients);
    expect(b.roundGains(3)).toEqual(a.roundGains(3));
    expect(c.clients.map((x) => x.distanceM)).not.toEqual(a.clients.map((x) => x.distanceM));
    expect(c.roundGains(3)).not.toEqual(a.roundGains(3));
  });

  it("makes each client's draws independent of the number of clients and of query order", () => {
    const few = channel(9, 3);
    const many = channel(9, 12);
    expect(many.clients.slice(0, 3)).toEqual(few.clients);
    const late = many.roundGains(40);
    many.roundGains(2);
    expect(many.roundGains(40)).toEqual(late);
    expect(many.roundGains(40).slice(0, 3)).toEqual(few.roundGains(40));
  });

  it("draws fresh fading every round", () => {
    const ch = channel(2);
    expect(ch.roundFading(0)).not.toEqual(ch.roundFading(1));
  });

  it("has Rayleigh fading power with mean 1 and variance 1 (Exp(1))", () => {
    const ch = channel(11, 50);
    let sum = 0;
    let sq = 0;
    let count = 0;
    for (let round = 0; round < 400; round += 1) {
      for (const h2 of ch.roundFading(round)) {
        expect(h2).toBeGreaterThan(0);
        sum += h2;
        sq += h2 * h2;
        count += 1;
      }
    }
    const mean = sum / count;
    expect(mean).toBeCloseTo(1, 1);
    expect(sq / count - mean * mean).toBeCloseTo(1, 1);
  });

  it("places clients uniformly over the annulus area and makes gains equal mean gain times fading", () => {
    const ch = channel(3, 4000);
    const r0 = 50;
    const r1 = 500;
    const inner = ch.clients.filter((c) => c.distanceM ** 2 <= (r0 * r0 + r1 * r1) / 2).length;
    expect(inner / ch.clients.length).toBeCloseTo(0.5, 1);
    for (const c of ch.clients) {
      expect(c.distanceM).toBeGreaterThanOrEqual(r0);
      expect(c.distanceM).toBeLessThanOrEqual(r1);
    }
    const gains = ch.roundGains(7);
    const fading = ch.roundFading(7);
    ch.clients.slice(0, 10).forEach((c, n) => {
      expect(gains[n]).toBeCloseTo((fading[n] ?? 0) * c.meanGain, 20);
    });
  });

  it("draws log-normal compute speeds with median 1 and the configured spread", () => {
    const made = createChannel({ clientCount: 4000, computeSpeedSigma: 0.5 }, 4);
    if (!made.ok) throw new Error(made.error.reason);
    const logs = made.value.clients.map((c) => Math.log(c.computeSpeedFactor));
    const mean = logs.reduce((s, x) => s + x, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((s, x) => s + (x - mean) ** 2, 0) / logs.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(0.5, 1);
  });

  it("rejects an impossible configuration as a value", () => {
    const made = createChannel({ minRadiusM: 600 }, 1);
    expect(made.ok).toBe(false);
    expect(createChannel({ clientCount: -1 }, 1).ok).toBe(false);
  });
});
