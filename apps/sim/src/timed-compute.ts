// Real training on simulated time (docs/simulator.md): the wrapped compute trains for real (tfjs wasm, this process)
// while the event clock stands still; the participant then sleeps what its device would have taken, the reference
// step time over its speed factor. How many steps fit is decided up front from the deadline, as a slow device would
// find out step by step.
import type { ParticipantCompute } from "@airlora/participant";
import type { EventClock } from "./event-clock";

export interface DeviceTiming {
  /** Milliseconds one local step takes on the median device. */
  readonly stepMs: number;
  /** The device's speed, median 1. */
  readonly speed: number;
}

export function timedCompute(inner: ParticipantCompute, clock: EventClock, timing: DeviceTiming): ParticipantCompute {
  const stepMs = timing.stepMs / timing.speed;
  return {
    load: (info, files) => inner.load(info, files),
    specFor: (shape) => inner.specFor(shape),
    async fitHead(spec, global, settings, limit) {
      // The probe's time: one step's per hundred of its iterations, at least one step's.
      const result = await clock.track(
        inner.fitHead(spec, global, settings, { ...limit, deadlineAt: Infinity, now: () => clock.now() }),
      );
      await clock.sleep(stepMs * Math.max(1, settings.probeIterations / 100));
      return result;
    },
    async train(spec, global, settings, request) {
      const fits = Math.floor((request.deadlineAt - clock.now()) / stepMs);
      const steps = Math.max(0, Math.min(request.steps, fits));
      // Tracked even at 0 steps: a pool's answer comes back from another thread, and time must wait for it.
      const result = await clock.track(
        inner.train(spec, global, settings, { ...request, steps, deadlineAt: Infinity }),
      );
      await clock.sleep(steps * stepMs);
      return result;
    },
    dispose: () => {
      inner.dispose();
    },
  };
}
