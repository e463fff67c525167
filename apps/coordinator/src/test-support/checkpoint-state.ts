// Test support: the resume state a checkpoint of `round` carries when nobody has joined yet (no participants, no
// identities, an empty queue): what tests that write run directories by hand put beside their adapters.
import type { RunCheckpointState } from "@airlora/protocol";

export function quietRunState(
  runId: string,
  round: number,
  rank: number,
): Omit<RunCheckpointState, "version" | "round" | "adapterSha256" | "savedAt"> {
  return {
    runId,
    machine: {
      round,
      rank,
      stage1: null,
      headFitted: true,
      virtualQueue: 0,
      totals: { loraRounds: round, latencyMsSum: 0, bytesUp: 0, bytesDense: 0, submitted: 0 },
      startedAt: null,
      participants: [],
    },
    registry: { admitted: 0, identities: [] },
  };
}
