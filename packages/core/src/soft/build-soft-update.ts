// docs/algorithms.md section 3: the client side of SOFT. Rank importance, a global greedy selection under the byte
// budget, the "soft" update of kept components, and the error-feedback residual of the dropped ones.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState, LoraModuleState } from "../lora/adapter-state";
import { validateAdapter } from "../lora/validate-adapter";
import { fail, ok, type Result } from "../result";
import type { Precision, SoftModuleUpdate } from "../update/adapter-update";
import { componentBytes } from "./component-bytes";
import { energyLost } from "./energy-lost";
import { productChangeEnergy } from "./product-change-energy";
import { rankImportance } from "./rank-importance";
import { selectComponents, type ComponentCost } from "./select-components";
import { checkStates, type UpdateBuild } from "./update-build";
import { withResidual } from "./with-residual";

export interface SoftUpdateBuild extends UpdateBuild<"soft"> {
  /** E = sum_dropped s_i^2 / sum_all s_i^2 over all modules (the 4.3 estimate, exact for orthogonal changes). */
  readonly energyLost: number;
  /** The exact share ||sum_{i dropped} (b'_i a'_i^T - b_i a_i^T)||^2 / ||B'A' - BA||^2, summed over modules. */
  readonly energyLostExact: number;
  /** s_i^2 per module (spec order), of the update after adding the residual. */
  readonly importance: readonly Float64Array[];
  /** Component bytes used, <= componentByteBudget. */
  readonly bytesUsed: number;
  /**
   * Error feedback: for every dropped component, its (a'_i - a_i, b'_i - b_i) with the incoming residual included;
   * zero for kept components and for dense tensors. Pass it to the next round's build to enable error feedback.
   */
  readonly residual: AdapterState;
}

/**
 * Builds the "soft" update. Each rank component of module m costs componentBytes(m, precision) = (d + k) x bytes per
 * value; `componentByteBudget` covers components only (the caller subtracts header, rank bitmasks and the dense
 * head from its assignment). Selection is global across modules (`selectComponents`).
 *
 * Error feedback (optional, docs/algorithms.md section 3.5): pass the previous build's `residual`. It is added to
 * `local` before importance and selection, so a component dropped last round competes again with its accumulated
 * change; a kept component sends local + residual and its residual resets to 0. The residual lives in factor
 * coordinates of the round it was computed in; since soft aggregation keeps rank indices stable, adding it to the next
 * round's factors is the usual first-order error feedback, not an exact replay.
 */
export function buildSoftUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  round: number,
  componentByteBudget: number,
  precision: Precision,
  residual?: AdapterState,
): Result<SoftUpdateBuild> {
  const checked = checkStates(spec, global, local);
  if (!checked.ok) return checked;
  if (residual !== undefined) {
    const r = validateAdapter(spec, residual);
    if (!r.ok) return fail({ code: r.error.code, reason: `residual: ${r.error.reason}` });
  }
  const effective = withResidual(local, residual);
  for (const [index, m] of effective.entries()) {
    // local and residual are finite but their sum can overflow float32.
    if (!m.a.every(Number.isFinite) || !m.b.every(Number.isFinite)) {
      return fail({ code: "non-finite", reason: `${spec.modules[index]?.name ?? index}: local + residual overflows` });
    }
  }

  const importance: Float64Array[] = [];
  const items: ComponentCost[] = [];
  for (const [index, m] of spec.modules.entries()) {
    const before = global.modules[index];
    const after = effective[index];
    const s2 = before && after ? rankImportance(before, after, m.d, m.k, m.rank) : new Float64Array(m.rank);
    importance.push(s2);
    const bytes = componentBytes(m, precision);
    for (const energy of s2) items.push({ energy, bytes });
  }
  const selection = selectComponents(items, componentByteBudget);

  const modules: SoftModuleUpdate[] = [];
  const residualModules: LoraModuleState[] = [];
  let offset = 0;
  let keptCount = 0;
  let lostExact = 0;
  let totalExact = 0;
  for (const [index, m] of spec.modules.entries()) {
    const { d, k, rank: r } = m;
    const before = global.modules[index] ?? { a: new Float32Array(r * k), b: new Float32Array(d * r) };
    const after = effective[index] ?? before;
    const ranks: number[] = [];
    for (let i = 0; i < r; i += 1) if (selection.kept[offset + i] === true) ranks.push(i);
    offset += r;
    keptCount += ranks.length;

    const a = new Float32Array(ranks.length * k);
    const b = new Float32Array(ranks.length * d);
    const sent = { a: before.a.slice(), b: before.b.slice() }; // what the server reconstructs from this update
    for (const [slot, i] of ranks.entries()) {
      a.set(after.a.subarray(i * k, i * k + k), slot * k);
      sent.a.set(after.a.subarray(i * k, i * k + k), i * k);
      for (let row = 0; row < d; row += 1) {
        const value = after.b[row * r + i] ?? 0;
        b[slot * d + row] = value;
        sent.b[row * r + i] = value;
      }
    }
    modules.push({ ranks, a, b });

    // Dropped components' change: after - sent is zero on kept ones and (after - before) on dropped ones.
    const resA = new Float32Array(r * k);
    const resB = new Float32Array(d * r);
    for (let i = 0; i < resA.length; i += 1) resA[i] = (after.a[i] ?? 0) - (sent.a[i] ?? 0);
    for (let i = 0; i < resB.length; i += 1) resB[i] = (after.b[i] ?? 0) - (sent.b[i] ?? 0);
    residualModules.push({ a: resA, b: resB });

    lostExact += productChangeEnergy(sent, after, d, k, r);
    totalExact += productChangeEnergy(before, after, d, k, r);
  }

  const totalComponents = offset;
  const flatImportance = new Float64Array(totalComponents);
  let at = 0;
  for (const s2 of importance) {
    flatImportance.set(s2, at);
    at += s2.length;
  }
  return ok({
    update: { kind: "soft", round, modules, dense: local.dense.map((t) => t.slice()) },
    keptRatio: totalComponents === 0 ? 1 : keptCount / totalComponents,
    energyLost: energyLost(flatImportance, selection.kept),
    energyLostExact: totalExact > 0 ? lostExact / totalExact : 0,
    importance,
    bytesUsed: selection.bytesUsed,
    residual: {
      modules: residualModules,
      dense: spec.dense.map((_, index) => new Float32Array(local.dense[index]?.length ?? 0)),
    },
  });
}
