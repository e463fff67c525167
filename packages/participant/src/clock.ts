// Time for the session: real in browsers and Node, simulated in the simulator. Pacing, deadlines and every
// reported duration read this clock and nothing else.
export interface Clock {
  /** Milliseconds on a monotonic-enough scale; only differences are used. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** setTimeout and Date exist in workers and Node; this package compiles without DOM or Node types on purpose. */
const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown };

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      timers.setTimeout(resolve, Math.max(0, ms));
    }),
};
