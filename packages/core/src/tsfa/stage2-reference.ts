// Test support, not exported: the brute-force reference of TSFA stage 2 (docs/algorithms.md section 5.2), by the
// spec's own formulas, for instances small enough to try every integer byte budget of every client.
import { linearRate, shannonRate } from "../channel/rates";
import type { RateModel } from "./rate-model";
import { selectComponents } from "./select-components";
import type { Stage2Input, Stage2Participant } from "./stage2-types";

/** Bits per second of `share` by the spec's own formulas (channel/rates.ts). */
function rate(model: RateModel, share: number, w: number): number {
  return model.kind === "linear"
    ? linearRate(share, w, model.capacityBps)
    : shannonRate(share, w, model.powerW, model.gain, model.noisePsdWPerHz);
}

/** Share needed to send `bits` in `seconds` (Infinity if the uplink is too small): closed form for the linear
 * model, plain bisection on the spec's formula for Shannon. */
function neededShare(model: RateModel, bits: number, seconds: number, w: number): number {
  if (bits === 0) return 0;
  if (!(seconds > 0) || rate(model, 1, w) * seconds < bits) return Infinity;
  if (model.kind === "linear") return bits / seconds / w;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 36; i += 1) {
    const mid = (lo + hi) / 2;
    if (rate(model, mid, w) * seconds >= bits) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface Choice {
  readonly byteBudget: number;
  readonly energyLost: number;
}

/** Every distinct outcome of the client's rule over every integer total budget >= max(S_min, overhead). */
export function everyBudget(p: Stage2Participant, input: Stage2Input): Choice[] {
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

/**
 * Least V sum omega E + Q T over every per-client choice (a budget, or sitting out), T found by bisection. With
 * `sitOut: "forced-only"` a client may only sit out when it could not start uploading before T (tau_n >= T), the
 * rule before issue 14; with "any" (what solveStage2 does) any client may.
 */
export function bruteForce(input: Stage2Input, sitOut: "any" | "forced-only" = "any"): number {
  const { participants, penaltyWeight: v, virtualQueue: q } = input;
  const weightSum = participants.reduce((s, p) => s + p.dataWeight, 0);
  const menus = participants.map((p) => [undefined, ...everyBudget(p, input)]);
  let best = Infinity;
  const picks: (Choice | undefined)[] = [];
  const fits = (t: number): boolean =>
    participants.reduce((s, p, n) => {
      const pick = picks[n];
      return (
        s + (pick === undefined ? 0 : neededShare(p.rate, 8 * pick.byteBudget, t - p.tauSec, input.totalBandwidth))
      );
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
    if (sitOut === "forced-only" && participants.some((p, n) => picks[n] === undefined && p.tauSec < hi)) return;
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
