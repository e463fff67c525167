// Link-budget arithmetic for the simulated uplink (DESIGN.md section 4.6): decibels, path loss, noise power.

/** Path loss in dB at a distance, 128.1 + 37.6 log10(d_km) (DESIGN.md 4.6, the 3GPP urban macro model). */
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

/** Received signal-to-noise ratio (linear) when `powerW` is spread over `bandwidthHz` (DESIGN.md 4.6). */
export function snrLinear(powerW: number, gain: number, noisePsdWPerHz: number, bandwidthHz: number): number {
  return (powerW * gain) / (noisePsdWPerHz * bandwidthHz);
}
