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
  mapValues(spec, global, update, (next, old) => {
    for (let i = 0; i < next.length; i += 1) {
      const d = (next[i] ?? 0) - old(i);
      sum += d * d;
    }
    return next;
  });
  return Math.sqrt(sum);
}

/** The update with its change scaled to norm `maxNorm` if it is longer; the same object if not. */
export function clipUpdate(spec: AdapterSpec, global: AdapterState, update: AdapterUpdate, maxNorm: number): Clipped {
  const norm = updateNorm(spec, global, update);
  if (!(norm > maxNorm) || norm === 0) return { update, norm, scale: 1 };
  const scale = maxNorm / norm;
  const clipped = mapValues(spec, global, update, (next, old) => next.map((v, i) => old(i) + scale * (v - old(i))));
  return { update: clipped, norm, scale };
}

/**
 * The update with every array of new values replaced by `f(values, old)`, where `old(i)` is the global value that
 * values[i] replaces (0 for top-k's deltas, which are changes already). Soft components are rows of A (k values
 * each) and columns of B (d values each, stride r in the global).
 */
function mapValues(
  spec: AdapterSpec,
  global: AdapterState,
  update: AdapterUpdate,
  f: (next: Float32Array, old: (i: number) => number) => Float32Array,
): AdapterUpdate {
  const dense = update.dense.map((t, n) => f(t, (i) => global.dense[n]?.[i] ?? 0));
  const a = (n: number) => (i: number) => global.modules[n]?.a[i] ?? 0;
  const b = (n: number) => (i: number) => global.modules[n]?.b[i] ?? 0;
  switch (update.kind) {
    case "dense":
      return { ...update, dense, modules: update.modules.map((m, n) => ({ a: f(m.a, a(n)), b: f(m.b, b(n)) })) };
    case "b-only":
      return { ...update, dense, modules: update.modules.map((m, n) => ({ b: f(m.b, b(n)) })) };
    case "soft":
      return {
        ...update,
        dense,
        modules: update.modules.map((m, n) => {
          const { k, d, rank } = spec.modules[n] ?? { k: 0, d: 0, rank: 0 };
          const row = (i: number) => (m.ranks[Math.floor(i / k)] ?? 0) * k + (i % k);
          const column = (i: number) => (i % d) * rank + (m.ranks[Math.floor(i / d)] ?? 0);
          return { ranks: m.ranks, a: f(m.a, (i) => a(n)(row(i))), b: f(m.b, (i) => b(n)(column(i))) };
        }),
      };
    case "topk":
      return {
        ...update,
        dense,
        modules: update.modules.map((m) => ({ ...m, aDelta: f(m.aDelta, () => 0), bDelta: f(m.bDelta, () => 0) })),
      };
    default:
      return update satisfies never;
  }
}
