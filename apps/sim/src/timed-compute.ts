// Real training on simulated time (docs/simulator.md section 2): the participant sleeps what its device would have
// taken (the reference step time over its speed factor) while the wrapped compute trains for real, on a training
// thread, in the background. Time moves on meanwhile; only when the participant wakes does the clock wait for the
// result. How many steps fit is decided up front from the deadline, as a slow device would find out step by step, so
// nothing the result holds decides when it is due, and a seed replays however fast this machine trains.
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
      const result = inner.fitHead(spec, global, settings, { ...limit, deadlineAt: Infinity, now: () => clock.now() });
      return clock.dueAfter(stepMs * Math.max(1, settings.probeIterations / 100), result);
    },
    async train(spec, global, settings, request) {
      const fits = Math.floor((request.deadlineAt - clock.now()) / stepMs);
      const steps = Math.max(0, Math.min(request.steps, fits));
      const result = inner.train(spec, global, settings, { ...request, steps, deadlineAt: Infinity });
      return clock.dueAfter(steps * stepMs, result);
    },
    dispose: () => {
      inner.dispose();
    },
  };
}
