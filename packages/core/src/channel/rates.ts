// The two uplink rate models of docs/algorithms.md section 5.3: what a client with bandwidth share `share` (0..1 of the
// shared uplink W) can send per second. Pure functions; share 0 sends nothing.

/**
 * Real clients (docs/algorithms.md section 5.3): R = min(share W, C_n). `uplinkBps` is the shared uplink W in bits/s
 * and `capacityBps` the client's own measured ceiling C_n (its radio, its browser, its CPU).
 */
export function linearRate(share: number, uplinkBps: number, capacityBps: number): number {
  return Math.min(share * uplinkBps, capacityBps);
}

/**
 * Simulated clients (docs/algorithms.md sections 5.3, 6): R = share W log2(1 + p g / (share W N0)) bits/s, with W in
 * Hz, p in watts, g the linear channel gain and N0 in W/Hz. The transmit power is fixed, so a narrower band has a
 * higher SNR: the rate is increasing and concave in the share, and tends to 0 as the share does.
 */
export function shannonRate(
  share: number,
  bandwidthHz: number,
  powerW: number,
  gain: number,
  noisePsdWPerHz: number,
): number {
  if (share <= 0) return 0;
  const hz = share * bandwidthHz;
  // log1p keeps precision when the SNR is tiny (a wide band far from the base station).
  return (hz * Math.log1p((powerW * gain) / (hz * noisePsdWPerHz))) / Math.LN2;
}
