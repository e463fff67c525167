// A virtual participant's link (docs/simulator.md): its uplink is the Shannon rate of its radio at the bandwidth
// share the round gave it (docs/algorithms.md sections 5.3 and 6), under that round's Rayleigh fading; downloads
// come at a fixed rate (the access point's downlink is not what TSFA schedules); every message takes a latency.
import { shannonRate, type Channel } from "@airlora/core";

export interface VirtualLink {
  /** Bits/s this participant sends at `share` of the band in `round`. */
  uplinkBps(share: number, round: number): number;
  readonly downlinkBps: number;
  readonly latencyMs: number;
  /** Its device's speed, median 1 (the channel's log-normal draw): compute time is the reference's / speed. */
  readonly computeSpeed: number;
}

export interface LinkOptions {
  readonly downlinkBps: number;
  readonly latencyMs: number;
}

export function virtualLink(channel: Channel, index: number, options: LinkOptions): VirtualLink {
  const client = channel.clients[index];
  if (client === undefined) throw new RangeError(`the channel has no client ${String(index)}`);
  const { bandwidthHz, transmitPowerW } = channel.config;
  return {
    uplinkBps: (share, round) => {
      const gain = channel.roundGains(round)[index] ?? 0;
      return shannonRate(share, bandwidthHz, transmitPowerW, gain, channel.noisePsdWPerHz);
    },
    downlinkBps: options.downlinkBps,
    latencyMs: options.latencyMs,
    computeSpeed: client.computeSpeedFactor,
  };
}
