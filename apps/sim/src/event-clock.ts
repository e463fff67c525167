// The simulator's time (docs/simulator.md): a discrete-event clock. Sleeps and timers are events in time order; time
// jumps to the next one only when nothing is running: no tracked work in flight (training, an evaluation in its
// worker) and every promise chain settled. So a virtual participant's hour of training costs the real seconds its
// steps take, and what the round log says about time is the model's, not this machine's.
import type { Clock } from "@airlora/participant";

export interface EventClock extends Clock {
  /** Calls `fire` at `timeMs` (now, if that has passed); the handle cancels it. */
  at(timeMs: number, fire: () => void): number;
  cancel(handle: number): void;
  /** Holds time still until `work` settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Fires events in time order until `done()` holds; false if the events ran out, or passed `untilMs`, first. */
  run(done: () => boolean, untilMs?: number): Promise<boolean>;
}

interface Scheduled {
  readonly at: number;
  readonly handle: number;
  readonly fire: () => void;
}

const turn = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

export function createEventClock(start = 0): EventClock {
  let now = start;
  let nextHandle = 1;
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const queue: Scheduled[] = [];
  const cancelled = new Set<number>();

  const at = (timeMs: number, fire: () => void): number => {
    const event = { at: Math.max(timeMs, now), handle: nextHandle, fire };
    nextHandle += 1;
    // Insert after every event due at or before it: equal times fire in the order they were scheduled.
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((queue[mid]?.at ?? 0) <= event.at) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, event);
    return event.handle;
  };

  /** Until no tracked work is running and two event-loop turns passed without new work starting. */
  const settle = async (): Promise<void> => {
    for (;;) {
      while (inFlight > 0) {
        await new Promise<void>((resolve) => {
          idle = resolve;
        });
      }
      await turn();
      await turn();
      if (inFlight === 0) return;
    }
  };

  return {
    now: () => now,
    sleep: (ms) =>
      new Promise<void>((resolve) => {
        at(now + Math.max(0, ms), resolve);
      }),
    at,
    cancel: (handle) => {
      cancelled.add(handle);
    },
    track: (work) => {
      inFlight += 1;
      return work.finally(() => {
        inFlight -= 1;
        if (inFlight === 0) idle?.();
      });
    },
    run: async (done, untilMs = Infinity) => {
      for (;;) {
        await settle();
        if (done()) return true;
        let next = queue.shift();
        while (next !== undefined && cancelled.delete(next.handle)) next = queue.shift();
        if (next === undefined || next.at > untilMs) return false;
        now = next.at;
        next.fire();
      }
    },
  };
}
