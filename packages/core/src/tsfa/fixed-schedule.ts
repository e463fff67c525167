// The `--scheduler fixed` baseline of docs/algorithms.md section 5.7: every participant gets the same share of the
// uplink and a budget for the same fraction of its components; nobody is excluded and the round waits for the slowest.

import { fail, ok, type Result } from "../result";
import { rateBps } from "./rate-model";
import { selectComponents, selectionOrder } from "./select-components";
import type { ClientSchedule, Stage2Input, Stage2Schedule } from "./stage2-types";
import { prepareStage2 } from "./stage2-validate";

/**
 * Share 1/N each; budget = overhead + the bytes of the round(keptRatio * m) components the client's rule ranks
 * first (so it keeps exactly those), raised to S_min if smaller. Reported with the same objective as stage 2
 * (V * weighted energy lost + Q * T) so that the two schedulers can be compared round by round.
 */
export function fixedSchedule(input: Stage2Input, keptRatio: number): Result<Stage2Schedule> {
  if (!(keptRatio >= 0 && keptRatio <= 1))
    return fail({ code: "invalid-kept-ratio", reason: "keptRatio must be in [0, 1]" });
  const prepared = prepareStage2(input);
  if (!prepared.ok) return prepared;
  const share = 1 / input.participants.length;
  const clients: ClientSchedule[] = input.participants.map((p) => {
    const order = selectionOrder(p.components);
    const keep = Math.min(order.length, Math.round(keptRatio * p.components.length));
    const keptBytes = order.slice(0, keep).reduce((s, i) => s + (p.components[i]?.bytes ?? 0), 0);
    const byteBudget = Math.max(input.minBytes, input.overheadBytes + keptBytes);
    const total = p.components.reduce((s, c) => s + c.energy, 0);
    const kept = selectComponents(p.components, byteBudget - input.overheadBytes).energyKept;
    return {
      clientId: p.clientId,
      bandwidthShare: share,
      byteBudget,
      expectedLatencySec: p.tauSec + (8 * byteBudget) / rateBps(p.rate, share, input.totalBandwidth),
      expectedEnergyLost: Math.max(0, 1 - kept / total),
      excluded: false,
    };
  });
  const roundLatencySec = Math.max(...clients.map((c) => c.expectedLatencySec));
  const weightedEnergyLost = clients.reduce((s, c, n) => s + (prepared.value.omega[n] ?? 0) * c.expectedEnergyLost, 0);
  return ok({
    clients,
    roundLatencySec,
    weightedEnergyLost,
    objective: input.penaltyWeight * weightedEnergyLost + input.virtualQueue * roundLatencySec,
    evaluations: 0,
  });
}
