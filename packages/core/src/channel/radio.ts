// Link-budget arithmetic for the simulated uplink (docs/algorithms.md section 6): decibels, path loss, noise power.

/** Path loss in dB at a distance, 128.1 + 37.6 log10(d_km) (3GPP urban macro; docs/algorithms.md section 6.1). */
export function pathLossDb(distanceM: number): number {
  return 128.1 + 37.6 * Math.log10(distanceM / 1000);
}

export function dbToLinear(db: number): number {
  return 10 ** (db / 10);
}

export function linearToDb(linear: number): number {
  return 10 * Math.log10(linear);
}

/** dBm (decibels relative to one milliwatt) to watts; also turns dBm/Hz into W/Hz. */
export function dbmToWatts(dbm: number): number {
  return 10 ** ((dbm - 30) / 10);
}

/** Received SNR (linear) when `powerW` is spread over `bandwidthHz` (docs/algorithms.md section 6.2). */
export function snrLinear(powerW: number, gain: number, noisePsdWPerHz: number, bandwidthHz: number): number {
  return (powerW * gain) / (noisePsdWPerHz * bandwidthHz);
}
