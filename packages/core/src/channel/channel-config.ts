// Parameters of the simulated wireless channel (docs/algorithms.md section 6), with its defaults.

export interface ChannelConfig {
  /** Number of simulated clients; client n's draws do not depend on how many others there are. */
  readonly clientCount: number;
  /** Clients are uniform over the annulus minRadiusM..maxRadiusM around the base station (area-uniform). */
  readonly minRadiusM: number;
  readonly maxRadiusM: number;
  /** Uplink transmit power p of every client. */
  readonly transmitPowerW: number;
  /** Noise power spectral density N0. */
  readonly noisePsdDbmPerHz: number;
  /** Total uplink bandwidth W shared by the clients of a round. */
  readonly bandwidthHz: number;
  /**
   * Compute heterogeneity: each client's speed factor is log-normal exp(sigma z), z ~ N(0, 1), median 1. A client
   * needs referenceComputeSec / speed. sigma 0.5 puts 90% of clients within 0.44x..2.28x of the median speed
   * (roughly the spread between a budget phone and a laptop); 0 makes all clients equal.
   */
  readonly computeSpeedSigma: number;
}

export const DEFAULT_CHANNEL_CONFIG: ChannelConfig = {
  clientCount: 10,
  minRadiusM: 50,
  maxRadiusM: 500,
  transmitPowerW: 0.2,
  noisePsdDbmPerHz: -174,
  bandwidthHz: 20e6,
  computeSpeedSigma: 0.5,
};
