// "topk" (docs/algorithms.md section 4.5): the naive baseline at the same byte budget. Element-wise top-k magnitude of
// dA and of dB, sent as (index, delta) pairs.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { fail, ok, type Result } from "../result";
import type { Precision, TopkModuleUpdate } from "../update/adapter-update";
import { bytesPerValue } from "./component-bytes";
import { productChangeEnergy } from "./product-change-energy";
import { checkStates, type UpdateBuild } from "./update-build";

/** A kept element costs its 4-byte (uint32) flat index plus one value. */
export function topkElementBytes(precision: Precision): number {
  return 4 + bytesPerValue(precision);
}

export interface TopkUpdateBuild extends UpdateBuild<"topk"> {
  /** kept elements x topkElementBytes, <= byteBudget. */
  readonly bytesUsed: number;
}

/**
 * Flags the `count` largest |delta| (ties: lower flat position first) among nonzero deltas. Sorting a copy of the
 * magnitudes gives the threshold t; then everything above t is kept and elements equal to t fill up in order.
 */
function keepLargest(deltas: Float32Array, count: number): Uint8Array {
  const keep = new Uint8Array(deltas.length);
  if (count <= 0) return keep;
  const magnitudes = deltas.map(Math.abs).sort();
  const threshold = magnitudes[magnitudes.length - count] ?? 0;
  let left = count;
  for (let i = 0; i < deltas.length; i += 1) {
    if (Math.abs(deltas[i] ?? 0) > threshold) {
      keep[i] = 1;
      left -= 1;
    }
  }
  for (let i = 0; i < deltas.length && left > 0; i += 1) {
    if (Math.abs(deltas[i] ?? 0) === threshold) {
      keep[i] = 1;
      left -= 1;
    }
  }
  return keep;
}

function countNonzero(values: Float32Array): number {
  let n = 0;
  for (const x of values) if (x !== 0) n += 1;
  return n;
}

/**
 * Builds the "topk" update. The budget buys floor(byteBudget / topkElementBytes) elements, split between all A
 * elements and all B elements (across modules) in proportion to their counts, sum(r k) : sum(d r); a share that
 * finds fewer nonzero deltas than it may keep passes the rest to the other. Within A (and within B) the top-k is
 * global across modules. Zero deltas are never sent. energyLost is the exact share of sum_m ||B'A' - BA||_F^2 that
 * the server will not see after applying the kept deltas.
 */
export function buildTopkUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  round: number,
  byteBudget: number,
  precision: Precision,
): Result<TopkUpdateBuild> {
  const checked = checkStates(spec, global, local);
  if (!checked.ok) return checked;
  const sizeA = spec.modules.reduce((n, m) => n + m.rank * m.k, 0);
  const sizeB = spec.modules.reduce((n, m) => n + m.d * m.rank, 0);
  // All modules' deltas side by side (A's in one array, B's in another), rounded to float32 as they travel.
  const deltaA = new Float32Array(sizeA);
  const deltaB = new Float32Array(sizeB);
  let atA = 0;
  let atB = 0;
  for (const [index, g] of global.modules.entries()) {
    const l = local.modules[index] ?? g;
    for (let i = 0; i < g.a.length; i += 1) deltaA[atA + i] = (l.a[i] ?? 0) - (g.a[i] ?? 0);
    for (let i = 0; i < g.b.length; i += 1) deltaB[atB + i] = (l.b[i] ?? 0) - (g.b[i] ?? 0);
    atA += g.a.length;
    atB += g.b.length;
  }

  // Two finite float32 values can still differ by more than float32 can hold.
  if (!deltaA.every(Number.isFinite) || !deltaB.every(Number.isFinite)) {
    return fail({ code: "non-finite", reason: "local - global overflows float32" });
  }

  const elementBytes = topkElementBytes(precision);
  const budgetElements = Math.max(0, Math.floor(byteBudget / elementBytes));
  const nonzeroA = countNonzero(deltaA);
  const nonzeroB = countNonzero(deltaB);
  const shareA = sizeA + sizeB === 0 ? 0 : Math.floor((budgetElements * sizeA) / (sizeA + sizeB));
  let countA = Math.min(shareA, nonzeroA);
  const countB = Math.min(budgetElements - countA, nonzeroB);
  countA = Math.min(budgetElements - countB, nonzeroA);
  const keepA = keepLargest(deltaA, countA);
  const keepB = keepLargest(deltaB, countB);

  const modules: TopkModuleUpdate[] = [];
  let lost = 0;
  let total = 0;
  atA = 0;
  atB = 0;
  for (const [index, m] of spec.modules.entries()) {
    const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
    const l = local.modules[index] ?? g;
    const sent = { a: g.a.slice(), b: g.b.slice() }; // what the server reconstructs: global + kept deltas
    const pick = (keep: Uint8Array, delta: Float32Array, at: number, length: number, into: Float32Array) => {
      const index: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < length; i += 1) {
        if (keep[at + i] !== 1) continue;
        const value = delta[at + i] ?? 0;
        index.push(i);
        values.push(value);
        into[i] = (into[i] ?? 0) + value;
      }
      return { index: Uint32Array.from(index), delta: Float32Array.from(values) };
    };
    const a = pick(keepA, deltaA, atA, g.a.length, sent.a);
    const b = pick(keepB, deltaB, atB, g.b.length, sent.b);
    atA += g.a.length;
    atB += g.b.length;
    modules.push({ aIndex: a.index, aDelta: a.delta, bIndex: b.index, bDelta: b.delta });
    lost += productChangeEnergy(sent, l, m.d, m.k, m.rank);
    total += productChangeEnergy(g, l, m.d, m.k, m.rank);
  }

  const kept = countA + countB;
  return ok({
    update: { kind: "topk", round, modules, dense: local.dense.map((t) => t.slice()) },
    keptRatio: sizeA + sizeB === 0 ? 1 : kept / (sizeA + sizeB),
    energyLost: total > 0 ? lost / total : 0,
    bytesUsed: kept * elementBytes,
  });
}
