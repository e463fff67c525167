// A clock that only moves when told: the simulator's time, and the tests' (pacing and deadlines without waiting).
import { systemClock, type Clock } from "./clock";

export interface SimulatedClock extends Clock {
  /** Moves time forward, waking every sleeper whose time has come, in order. */
  advance(ms: number): Promise<void>;
  /** Sleepers still waiting. */
  pending(): number;
}

export function createSimulatedClock(start = 0): SimulatedClock {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms) =>
      new Promise((resolve) => {
        sleepers.push({ at: now + Math.max(0, ms), wake: resolve });
        sleepers.sort((a, b) => a.at - b.at);
      }),
    advance: async (ms) => {
      const until = now + ms;
      for (;;) {
        // Let everything already running reach its next wait before looking at the sleepers.
        await systemClock.sleep(0);
        const next = sleepers[0];
        if (next === undefined || next.at > until) break;
        sleepers.shift();
        now = next.at;
        next.wake();
      }
      now = until;
    },
    pending: () => sleepers.length,
  };
}
