// The simulator's time (docs/simulator.md): a discrete-event clock. Sleeps and timers are events in time order; time
// jumps to the next one only when nothing is running: no tracked work in flight and every promise chain settled.
// Work whose result is due at a known simulated time (training, an evaluation) runs in the background until then
// (`dueAfter`), so the threads stay busy; what the round log says about time is the model's, not this machine's.
import type { Clock } from "@airlora/participant";

export interface EventClock extends Clock {
  /** Calls `fire` at `timeMs` (now, if that has passed); the handle cancels it. */
  at(timeMs: number, fire: () => void): number;
  cancel(handle: number): void;
  /** Holds time still until `work` settles. */
  track<T>(work: Promise<T>): Promise<T>;
  /** `work`'s result, `ms` of simulated time from now: time moves on while it runs, and waits for it only if it has
   * not settled by then. For work whose result does not decide how long it takes (training a fixed number of steps,
   * an evaluation): it overlaps everything else, and still lands at the same simulated time on every run. */
  dueAfter<T>(ms: number, work: Promise<T>): Promise<T>;
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

  const sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      at(now + Math.max(0, ms), resolve);
    });

  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight += 1;
    return work.finally(() => {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
  };

  return {
    now: () => now,
    sleep,
    at,
    cancel: (handle) => {
      cancelled.add(handle);
    },
    track,
    dueAfter: async (ms, work) => {
      // Marked handled now: a failure before it is due must not count as unhandled; it is rethrown when due.
      work.catch(() => undefined);
      await sleep(ms);
      return track(work);
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
