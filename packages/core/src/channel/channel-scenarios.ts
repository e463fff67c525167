// Named channel scenarios for the simulator (docs/algorithms.md section 6.5). The design's cell (50-500 m, 20 MHz)
// is so generous that TSFA never has to sparsify: at N = 100 every client's whole update fits the latency budget.
// The other two are where scheduling matters, and each figure the simulator reports names its scenario.
import type { ChannelConfig } from "./channel-config";

export const CHANNEL_SCENARIOS = {
  /** The design's cell: 50-500 m from the access point, 20 MHz shared. */
  design: {},
  /** A busy uplink: the same cell, but the run gets 2 MHz of it (other traffic, or a Wi-Fi's share of air time). */
  crowded: { bandwidthHz: 2e6 },
  /** Far clients: 500-2,000 m from the access point (a macro cell's edge), 20 MHz. */
  "cell-edge": { minRadiusM: 500, maxRadiusM: 2000 },
} as const satisfies Record<string, Partial<ChannelConfig>>;

export type ChannelScenario = keyof typeof CHANNEL_SCENARIOS;

export const CHANNEL_SCENARIO_NAMES = Object.keys(CHANNEL_SCENARIOS) as ChannelScenario[];

/** The overrides of `createChannel` for a scenario and a number of clients. */
export function scenarioConfig(scenario: ChannelScenario, clientCount: number): Partial<ChannelConfig> {
  return { ...CHANNEL_SCENARIOS[scenario], clientCount };
}
