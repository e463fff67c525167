// `--clip-norm X` (docs/rounds.md, "Robust aggregation"): an update whose change to the global adapter is longer than
// X (the L2 norm of every value it changes: the factors it sends and the head, against what the round started from)
// is scaled back onto the ball of radius X before it is aggregated. One client with a huge or hostile update then
// moves the global adapter at most as far as an honest one may.
import type { AdapterSpec, AdapterState, AdapterUpdate } from "@airlora/core";

export interface Clipped {
  readonly update: AdapterUpdate;
  /** ||update - global|| before clipping. */
  readonly norm: number;
  /** The factor its change was multiplied by: 1 when it was within the bound. */
  readonly scale: number;
}

export function updateNorm(spec: AdapterSpec, global: AdapterState, update: AdapterUpdate): number {
  let sum = 0;
  const add = (next: ArrayLike<number>, old: (i: number) => number): void => {
    for (let i = 0; i < next.length; i += 1) {
      const d = (next[i] ?? 0) - old(i);
      sum += d * d;
    }
  };
  visit(spec, global, update, (next, old) => {
    add(next, old);
  });
  return Math.sqrt(sum);
}

/** The update with its change scaled to norm `maxNorm` if it is longer; the same object if not. */
export function clipUpdate(spec: AdapterSpec, global: AdapterState, update: AdapterUpdate, maxNorm: number): Clipped {
  const norm = updateNorm(spec, global, update);
  if (!(norm > maxNorm) || norm === 0) return { update, norm, scale: 1 };
  const scale = maxNorm / norm;
  const scaled = (next: Float32Array, old: (i: number) => number): Float32Array =>
    next.map((v, i) => old(i) + scale * (v - old(i)));
  const dense = update.dense.map((t, n) => scaled(t, (i) => global.dense[n]?.[i] ?? 0));
  switch (update.kind) {
    case "dense":
      return {
        norm,
        scale,
        update: {
          ...update,
          dense,
          modules: update.modules.map((m, n) => ({
            a: scaled(m.a, (i) => global.modules[n]?.a[i] ?? 0),
            b: scaled(m.b, (i) => global.modules[n]?.b[i] ?? 0),
          })),
        },
      };
    case "b-only":
      return {
        norm,
        scale,
        update: {
          ...update,
          dense,
          modules: update.modules.map((m, n) => ({ b: scaled(m.b, (i) => global.modules[n]?.b[i] ?? 0) })),
        },
      };
    case "soft":
      return {
        norm,
        scale,
        update: {
          ...update,
          dense,
          modules: update.modules.map((m, n) => {
            const { k, d, rank } = spec.modules[n] ?? { k: 0, d: 0, rank: 0 };
            const g = global.modules[n];
            return {
              ranks: m.ranks,
              // a'_j is row ranks[j] of A (k values); b'_j is column ranks[j] of B (d values, stride r)
              a: scaled(m.a, (i) => g?.a[(m.ranks[Math.floor(i / k)] ?? 0) * k + (i % k)] ?? 0),
              b: scaled(m.b, (i) => g?.b[(i % d) * rank + (m.ranks[Math.floor(i / d)] ?? 0)] ?? 0),
            };
          }),
        },
      };
    case "topk":
      return {
        norm,
        scale,
        update: {
          ...update,
          dense,
          modules: update.modules.map((m) => ({
            ...m,
            aDelta: m.aDelta.map((v) => v * scale),
            bDelta: m.bDelta.map((v) => v * scale),
          })),
        },
      };
    default:
      return update satisfies never;
  }
}

/** Calls `f` with every array of new values the update carries and how to read the matching old value. */
function visit(
  spec: AdapterSpec,
  global: AdapterState,
  update: AdapterUpdate,
  f: (next: ArrayLike<number>, old: (i: number) => number) => void,
): void {
  update.dense.forEach((t, n) => {
    f(t, (i) => global.dense[n]?.[i] ?? 0);
  });
  switch (update.kind) {
    case "dense":
      update.modules.forEach((m, n) => {
        f(m.a, (i) => global.modules[n]?.a[i] ?? 0);
        f(m.b, (i) => global.modules[n]?.b[i] ?? 0);
      });
      return;
    case "b-only":
      update.modules.forEach((m, n) => {
        f(m.b, (i) => global.modules[n]?.b[i] ?? 0);
      });
      return;
    case "soft":
      update.modules.forEach((m, n) => {
        const { k, d, rank } = spec.modules[n] ?? { k: 0, d: 0, rank: 0 };
        const g = global.modules[n];
        f(m.a, (i) => g?.a[(m.ranks[Math.floor(i / k)] ?? 0) * k + (i % k)] ?? 0);
        f(m.b, (i) => g?.b[(i % d) * rank + (m.ranks[Math.floor(i / d)] ?? 0)] ?? 0);
      });
      return;
    case "topk":
      for (const m of update.modules) {
        f(m.aDelta, () => 0);
        f(m.bDelta, () => 0);
      }
      return;
    default:
      update satisfies never;
  }
}
