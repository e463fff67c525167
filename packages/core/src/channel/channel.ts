// The seeded simulated channel (docs/algorithms.md section 6): per-client static draws (position, compute speed) and
// Rayleigh block fading per round. Every draw is a pure function of (seed, round, client).

import { createRng } from "../random/rng";
import { fail, ok, type Result } from "../result";
import { DEFAULT_CHANNEL_CONFIG, type ChannelConfig } from "./channel-config";
import { dbToLinear, dbmToWatts, pathLossDb } from "./radio";
import { mixSeed } from "../random/seed-mix";

export interface ChannelClient {
  readonly index: number;
  readonly distanceM: number;
  /** Direction from the base station; only for drawing a map. */
  readonly angleRad: number;
  readonly pathLossDb: number;
  /** Large-scale gain 10^(-pathLossDb / 10): the mean of the per-round gain. */
  readonly meanGain: number;
  /** Log-normal, median 1: compute time is referenceComputeSec / computeSpeedFactor. */
  readonly computeSpeedFactor: number;
}

export interface Channel {
  readonly config: ChannelConfig;
  readonly noisePsdWPerHz: number;
  readonly clients: readonly ChannelClient[];
  /** Small-scale fading power |h|^2 ~ Exp(1) of every client in `round` (Rayleigh, constant within a round). */
  roundFading(round: number): readonly number[];
  /** Channel gain g_n = meanGain_n |h_n|^2 of every client in `round`: what shannonRate takes. */
  roundGains(round: number): readonly number[];
}

// Separate streams, so that static draws and fading never share random numbers.
const STATIC_STREAM = 1;
const FADING_STREAM = 2;

export function createChannel(overrides: Partial<ChannelConfig>, seed: number): Result<Channel> {
  const config: ChannelConfig = { ...DEFAULT_CHANNEL_CONFIG, ...overrides };
  const problem = configProblem(config);
  if (problem !== undefined) return fail({ code: "invalid-channel-config", reason: problem });
  const clients = Array.from({ length: config.clientCount }, (_, n) => drawClient(config, seed, n));
  const roundFading = (round: number): number[] => clients.map((c) => fadingPower(seed, round, c.index));
  return ok({
    config,
    noisePsdWPerHz: dbmToWatts(config.noisePsdDbmPerHz),
    clients,
    roundFading,
    roundGains: (round) => roundFading(round).map((h2, n) => h2 * (clients[n]?.meanGain ?? 0)),
  });
}

function configProblem(c: ChannelConfig): string | undefined {
  if (!Number.isInteger(c.clientCount) || c.clientCount < 0) return "clientCount must be a non-negative integer";
  if (!(c.minRadiusM > 0 && c.maxRadiusM >= c.minRadiusM && Number.isFinite(c.maxRadiusM)))
    return "radii must satisfy 0 < minRadiusM <= maxRadiusM < Infinity";
  if (!(c.transmitPowerW > 0 && Number.isFinite(c.transmitPowerW))) return "transmitPowerW must be positive";
  if (!Number.isFinite(c.noisePsdDbmPerHz)) return "noisePsdDbmPerHz must be finite";
  if (!(c.bandwidthHz > 0 && Number.isFinite(c.bandwidthHz))) return "bandwidthHz must be positive";
  if (!(c.computeSpeedSigma >= 0 && Number.isFinite(c.computeSpeedSigma)))
    return "computeSpeedSigma must be non-negative";
  return undefined;
}

function drawClient(config: ChannelConfig, seed: number, index: number): ChannelClient {
  const rng = createRng(mixSeed([seed, STATIC_STREAM, index]));
  // Uniform over the annulus area: the radius is the square root of a uniform draw between the squared radii.
  const r0 = config.minRadiusM;
  const r1 = config.maxRadiusM;
  const distanceM = Math.sqrt(r0 * r0 + rng.next() * (r1 * r1 - r0 * r0));
  const angleRad = 2 * Math.PI * rng.next();
  const loss = pathLossDb(distanceM);
  return {
    index,
    distanceM,
    angleRad,
    pathLossDb: loss,
    meanGain: dbToLinear(-loss),
    computeSpeedFactor: Math.exp(config.computeSpeedSigma * rng.normal()),
  };
}

function fadingPower(seed: number, round: number, index: number): number {
  const u = createRng(mixSeed([seed, FADING_STREAM, round, index])).next();
  // Exp(1) by inversion; the half-ulp offset keeps the argument of log strictly inside (0, 1), so the gain is > 0.
  return -Math.log(1 - (u + 2 ** -33));
}
