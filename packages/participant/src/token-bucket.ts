// Upload pacing (docs/algorithms.md section 5): a participant sends at most bandwidthShare x W, so the shares the
// coordinator hands out add up to the shared uplink. A bucket of one chunk: each chunk may leave once the previous
// chunks' bits have drained at the paced rate.
import type { Clock } from "./clock";

export interface Pacer {
  /** Waits until `bytes` more may leave at the paced rate. */
  take(bytes: number): Promise<void>;
}

export function createPacer(clock: Clock, rateBps: number): Pacer {
  let freeAt = clock.now();
  return {
    async take(bytes) {
      const now = clock.now();
      const start = Math.max(now, freeAt);
      freeAt = start + (8 * bytes * 1000) / rateBps;
      if (start > now) await clock.sleep(start - now);
    },
  };
}
