// A stage-2 instance with the tiny adapter's profile (rank 8 on q and v of 4 layers: 64 components of 512 B at fp16,
// geometric prior, 5,156 B of overhead) over the seeded simulated channel with Shannon rates: what the channel
// scenario tests and `npm run bench -- core` solve. Test and benchmark support, not exported from the package.
import { createChannel } from "../channel/channel";
import { scenarioConfig, type ChannelScenario } from "../channel/channel-scenarios";
import { geometricPrior } from "./spectrum-estimate";
import type { Stage2Input } from "./stage2-types";

export const TINY_COMPONENTS = 64;
export const TINY_COMPONENT_BYTES = 512;
export const TINY_OVERHEAD_BYTES = 5156;

/**
 * N clients of `scenario` in round 1 (or, with `hzPerClient`, the design's cell with that much band per client);
 * compute time 1 s / speed factor; Q = 1 / budgetSec and V = 1, so a round near the budget is what pays.
 */
export function tinyProfileInstance(
  clients: number,
  scenario: ChannelScenario,
  options: { readonly hzPerClient?: number; readonly budgetSec?: number } = {},
): Stage2Input {
  const overrides =
    options.hzPerClient === undefined
      ? scenarioConfig(scenario, clients)
      : { ...scenarioConfig(scenario, clients), bandwidthHz: options.hzPerClient * clients };
  const channel = createChannel(overrides, 11);
  if (!channel.ok) throw new Error(channel.error.reason);
  const gains = channel.value.roundGains(1);
  const prior = geometricPrior(8, 8);
  return {
    participants: channel.value.clients.map((c, n) => ({
      clientId: `c${String(n)}`,
      tauSec: 1 / c.computeSpeedFactor,
      rate: {
        kind: "shannon",
        powerW: channel.value.config.transmitPowerW,
        gain: gains[n] ?? 0,
        noisePsdWPerHz: channel.value.noisePsdWPerHz,
      },
      dataWeight: 100 + (n % 7) * 20,
      components: prior.map((energy) => ({ energy, bytes: TINY_COMPONENT_BYTES })),
    })),
    totalBandwidth: channel.value.config.bandwidthHz,
    virtualQueue: 1 / (options.budgetSec ?? 2),
    penaltyWeight: 1,
    minBytes: TINY_OVERHEAD_BYTES + TINY_COMPONENT_BYTES,
    overheadBytes: TINY_OVERHEAD_BYTES,
  };
}
