// The stage-2 instance `npm run bench -- core` times: the tiny adapter's profile (rank 8 on q and v of 4 layers:
// 64 components of 512 B at fp16, geometric prior), 5,156 B of overhead, clients from the seeded simulated channel
// with Shannon rates, and a band narrow enough that budgets bind (TSFA must sparsify most clients).
import { createChannel, geometricPrior, type Stage2Input } from "@airlora/core";

export const TINY_COMPONENTS = 64;
export const TINY_COMPONENT_BYTES = 512;
export const TINY_OVERHEAD_BYTES = 5156;

/** N clients sharing `hzPerClient` x N of band; Q and V chosen so a round near `budgetSec` is what pays. */
export function bindingInstance(clients: number, hzPerClient = 20e3, budgetSec = 2): Stage2Input {
  const channel = createChannel({ clientCount: clients, bandwidthHz: hzPerClient * clients }, 11);
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
    totalBandwidth: hzPerClient * clients,
    virtualQueue: 1 / budgetSec,
    penaltyWeight: 1,
    minBytes: TINY_OVERHEAD_BYTES + TINY_COMPONENT_BYTES,
    overheadBytes: TINY_OVERHEAD_BYTES,
  };
}
