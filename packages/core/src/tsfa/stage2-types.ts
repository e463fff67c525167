// Inputs and outputs of TSFA stage 2 (docs/algorithms.md section 5.2): one round's bandwidth shares and byte budgets.

import type { RateModel } from "./rate-model";
import type { ComponentCost } from "./select-components";

export interface Stage2Participant {
  readonly clientId: string;
  /** Predicted compute + download time before the upload can start. */
  readonly tauSec: number;
  readonly rate: RateModel;
  /** Data weight omega_n (e.g. sample count); normalised over the round's participants. */
  readonly dataWeight: number;
  /**
   * Predicted importance profile: one entry per rank component (module, rank), its share of the client's update
   * energy (normalised here, so any positive scale works) and its bytes on the wire (an integer). The client keeps
   * components by the rule in select-components.ts, so only the budget matters, not which components.
   */
  readonly components: readonly ComponentCost[];
}

export interface Stage2Input {
  readonly participants: readonly Stage2Participant[];
  /** W, the shared uplink: bits/s for linear-rate clients, Hz for Shannon-rate clients. */
  readonly totalBandwidth: number;
  /** Q(t), the latency virtual queue, in seconds (see virtual-queue.ts). */
  readonly virtualQueue: number;
  /** V, the weight of energy lost against Q * T; in seconds^2 since E is a fraction and Q T is in s^2. */
  readonly penaltyWeight: number;
  /** S_min: no participant gets a smaller total budget (overhead included). */
  readonly minBytes: number;
  /** Bytes every participant sends whatever it keeps: codec header, rank bitmasks, the dense task head. */
  readonly overheadBytes: number;
}

export interface Stage2Options {
  /** Evenly spaced round latencies tried first over [T_min, T_max] (at least and by default 32). */
  readonly gridPoints?: number;
  /** The search stops when no unexplored latency can beat the best objective by more than this fraction
   * (default 1e-3); each knapsack is solved to half of it. */
  readonly relativeTolerance?: number;
  /** Safety cap on knapsack solves per round. */
  readonly maxEvaluations?: number;
}

export interface ClientSchedule {
  readonly clientId: string;
  /** beta_n: the share of W this client may use (it paces its upload at beta_n W). 0 when excluded. */
  readonly bandwidthShare: number;
  /** S_n: total bytes it may send, overhead included. 0 when excluded. */
  readonly byteBudget: number;
  /** tau_n + 8 S_n / R_n(beta_n); for an excluded client just tau_n. */
  readonly expectedLatencySec: number;
  /** E_n(S_n): energy fraction its selection rule will drop; 1 when excluded. */
  readonly expectedEnergyLost: number;
  /**
   * Left out of this round: either tau_n >= T (it cannot start uploading before the round should end), or leaving
   * it out frees share that lowers the objective more than its update is worth (docs/algorithms.md section 5.2).
   */
  readonly excluded: boolean;
}

export interface Stage2Schedule {
  readonly clients: readonly ClientSchedule[];
  /** T: the latest expected finish among the included clients. */
  readonly roundLatencySec: number;
  /** sum_n omega_n E_n(S_n) with normalised omega (excluded clients count E = 1). */
  readonly weightedEnergyLost: number;
  /** V * weightedEnergyLost + Q * T. */
  readonly objective: number;
  /** Knapsack solves spent (for benchmarks and the round log). */
  readonly evaluations: number;
}
