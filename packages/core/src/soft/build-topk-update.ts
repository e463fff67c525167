// "topk" (docs/algorithms.md section 4.5): the baseline at the same byte budget. Element-wise top-k magnitude of dA and
// of dB, sent as deltas at positions the codec writes as a bitmask or a gap list, whichever is smaller
// (update/topk-positions.ts), with the same optional error feedback as SOFT.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState, LoraModuleState } from "../lora/adapter-state";
import { validateAdapter } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import type { Precision, TopkModuleUpdate } from "../update/adapter-update";
import { choosePositionEncoding, varintBytes } from "../update/topk-positions";
import { bytesPerValue } from "./component-bytes";
import { productChangeEnergy } from "./product-change-energy";
import { checkStates, type UpdateBuild } from "./update-build";
import { withResidual } from "./with-residual";

export interface TopkUpdateBuild extends UpdateBuild<"topk"> {
  /** Position bytes (bitmask or gap list per factor) plus kept elements x bytes per value, <= byteBudget. */
  readonly bytesUsed: number;
  /**
   * Error feedback: the delta (local - global, plus the incoming residual) of every element not sent, zero where one
   * was sent and for dense tensors. Pass it to the next round's build to enable error feedback.
   */
  readonly residual: AdapterState;
}

/** One side (every module's A, or every module's B) laid end to end: its deltas and where each module's factor sits. */
interface Side {
  readonly delta: Float32Array;
  /** Factor f covers [starts[f], starts[f + 1]). */
  readonly starts: readonly number[];
  /** Positions of the nonzero deltas, largest |delta| first, ties by position. */
  readonly order: Uint32Array;
}

function side(delta: Float32Array, starts: readonly number[]): Side {
  const magnitude = delta.map(Math.abs);
  const nonzero: number[] = [];
  for (let i = 0; i < delta.length; i += 1) if (magnitude[i] !== 0) nonzero.push(i);
  const order = Uint32Array.from(nonzero).sort((i, j) => (magnitude[j] ?? 0) - (magnitude[i] ?? 0) || i - j);
  return { delta, starts, order };
}

/** Flags the first `count` positions of the side's order in `keep` (cleared first). */
function markKept(s: Side, count: number, keep: Uint8Array): void {
  keep.fill(0);
  for (let j = 0; j < count; j += 1) keep[s.order[j] ?? 0] = 1;
}

/** What the codec spends on the positions of the kept elements: per factor, bitmask or gap list. */
function positionBytes(s: Side, keep: Uint8Array): number {
  let bytes = 0;
  for (let f = 0; f + 1 < s.starts.length; f += 1) {
    const start = s.starts[f] ?? 0;
    const end = s.starts[f + 1] ?? 0;
    let gaps = 0;
    let previous = start - 1;
    for (let p = start; p < end; p += 1) {
      if (keep[p] !== 1) continue;
      gaps += varintBytes(p - previous - 1);
      previous = p;
    }
    bytes += choosePositionEncoding(end - start, gaps).bytes;
  }
  return bytes;
}

/**
 * How `total` kept elements split between A and B: in proportion to their sizes, sum(r k) : sum(d r), a side with
 * fewer nonzero deltas passing the rest to the other. Both counts never fall as `total` grows, so the kept sets
 * are nested and the encoded size only grows with `total`.
 */
function splitCount(total: number, sizeA: number, sizeB: number, nonzeroA: number, nonzeroB: number) {
  const shareA = sizeA + sizeB === 0 ? 0 : Math.floor((total * sizeA) / (sizeA + sizeB));
  const countB = Math.min(total - Math.min(shareA, nonzeroA), nonzeroB);
  return { countA: Math.min(total - countB, nonzeroA), countB };
}

/** target - global per LoRA element as float32, all modules' A in one array (or all B), and where each starts. */
function deltas(global: AdapterState, target: readonly LoraModuleState[], factor: "a" | "b") {
  const starts = [0];
  for (const g of global.modules) starts.push((starts[starts.length - 1] ?? 0) + g[factor].length);
  const delta = new Float32Array(starts[starts.length - 1] ?? 0);
  for (const [index, g] of global.modules.entries()) {
    const t = target[index]?.[factor] ?? g[factor];
    const at = starts[index] ?? 0;
    for (let i = 0; i < g[factor].length; i += 1) delta[at + i] = (t[i] ?? 0) - (g[factor][i] ?? 0);
  }
  return { delta, starts };
}

/**
 * Builds the "topk" update for a budget of `byteBudget` bytes for positions and values (the caller subtracts header,
 * per-module counts and the dense head: topkOverheadBytes in the codec). It keeps the largest number of elements
 * whose encoding fits: kept elements split between A and B by `splitCount`, the largest |delta| of each side across
 * all modules (ties: lower flat position first), zero deltas never sent. Each kept element costs one value; each
 * factor's positions cost the smaller of its bitmask and its gap list (update/topk-positions.ts), so the size is
 * found by binary search over the (nested) kept sets. energyLost is the exact share of sum_m ||B'A' - BA||_F^2 the
 * server will not see after applying the kept deltas, with the residual counted in the change.
 *
 * Error feedback (optional, as for SOFT, docs/algorithms.md section 3.5): pass the previous build's `residual`. It
 * is added to this round's deltas before selection, so an element left out keeps competing with its accumulated
 * change until it is sent, and then its residual resets to 0.
 */
export function buildTopkUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  round: number,
  byteBudget: number,
  precision: Precision,
  residual?: AdapterState,
): Result<TopkUpdateBuild> {
  const checked = checkStates(spec, global, local);
  if (!checked.ok) return checked;
  if (residual !== undefined) {
    const r = validateAdapter(spec, residual);
    if (!r.ok) return fail({ code: r.error.code, reason: `residual: ${r.error.reason}` });
  }
  const target = withResidual(local, residual);
  const rawA = deltas(global, target, "a");
  const rawB = deltas(global, target, "b");
  // Finite float32 values can still sum (local + residual) or differ (- global) beyond what float32 can hold.
  if (!rawA.delta.every(Number.isFinite) || !rawB.delta.every(Number.isFinite)) {
    return fail({ code: "non-finite", reason: "local (+ residual) - global overflows float32" });
  }
  const sideA = side(rawA.delta, rawA.starts);
  const sideB = side(rawB.delta, rawB.starts);
  const sizeA = sideA.delta.length;
  const sizeB = sideB.delta.length;
  const nonzeroA = sideA.order.length;
  const nonzeroB = sideB.order.length;

  const valueBytes = bytesPerValue(precision);
  const keepA = new Uint8Array(sizeA);
  const keepB = new Uint8Array(sizeB);
  const bytesFor = (total: number): number => {
    const { countA, countB } = splitCount(total, sizeA, sizeB, nonzeroA, nonzeroB);
    markKept(sideA, countA, keepA);
    markKept(sideB, countB, keepB);
    return positionBytes(sideA, keepA) + positionBytes(sideB, keepB) + total * valueBytes;
  };
  // The largest total that fits; bytesFor(0) = 0 (empty gap lists), and bytesFor never falls as the total grows.
  let fits = 0;
  let over = nonzeroA + nonzeroB + 1;
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (bytesFor(mid) <= byteBudget) fits = mid;
    else over = mid;
  }
  const bytesUsed = bytesFor(fits); // leaves keepA and keepB flagging the kept elements

  const modules: TopkModuleUpdate[] = [];
  const residualModules: LoraModuleState[] = [];
  let lost = 0;
  let total = 0;
  for (const [index, m] of spec.modules.entries()) {
    const g = global.modules[index] ?? { a: new Float32Array(0), b: new Float32Array(0) };
    const t = target[index] ?? g;
    const sent = { a: g.a.slice(), b: g.b.slice() }; // global + the kept deltas: what the server reconstructs
    const res = { a: new Float32Array(g.a.length), b: new Float32Array(g.b.length) };
    const pick = (s: Side, keep: Uint8Array, factor: "a" | "b") => {
      const at = s.starts[index] ?? 0;
      const length = g[factor].length;
      let count = 0;
      for (let i = 0; i < length; i += 1) count += keep[at + i] ?? 0;
      const positions = new Uint32Array(count);
      const values = new Float32Array(count);
      let j = 0;
      for (let i = 0; i < length; i += 1) {
        const value = s.delta[at + i] ?? 0;
        if (keep[at + i] === 1) {
          positions[j] = i;
          values[j] = value;
          j += 1;
          sent[factor][i] = (sent[factor][i] ?? 0) + value;
        } else {
          res[factor][i] = value;
        }
      }
      return { positions, values };
    };
    const a = pick(sideA, keepA, "a");
    const b = pick(sideB, keepB, "b");
    modules.push({ aIndex: a.positions, aDelta: a.values, bIndex: b.positions, bDelta: b.values });
    residualModules.push(res);
    lost += productChangeEnergy(sent, t, m.d, m.k, m.rank);
    total += productChangeEnergy(g, t, m.d, m.k, m.rank);
  }

  return ok({
    update: { kind: "topk", round, modules, dense: local.dense.map((t) => t.slice()) },
    keptRatio: sizeA + sizeB === 0 ? 1 : fits / (sizeA + sizeB),
    energyLost: total > 0 ? lost / total : 0,
    bytesUsed,
    residual: {
      modules: residualModules,
      dense: spec.dense.map((_, index) => new Float32Array(local.dense[index]?.length ?? 0)),
    },
  });
}
