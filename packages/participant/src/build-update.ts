// From the trained adapter to the bytes a participant uploads (docs/algorithms.md sections 3-4): the update kind
// the round expects, fitted to its byte budget, encoded, plus the importance spectrum TSFA learns from.
import {
  buildBOnlyUpdate,
  buildDenseUpdate,
  buildSoftUpdate,
  buildTopkUpdate,
  fail,
  ok,
  rankImportance,
  type AdapterSpec,
  type AdapterState,
  type Result,
} from "@airlora/core";
import { encodeUpdate, softOverheadBytes, topkOverheadBytes, type Assignment } from "@airlora/protocol";

export interface BuiltUpdate {
  readonly payload: Uint8Array;
  readonly keptRatio: number;
  readonly energyLost: number;
  /** s_i^2 of every (module, rank) component of the change, module-major. */
  readonly spectrum: number[];
  /** soft and topk: what this update left out (error feedback's carry, for the next round's build). */
  readonly residual: AdapterState | undefined;
}

export function buildRoundUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  assignment: Pick<Assignment, "round" | "kind" | "byteBudget" | "precision">,
  /** The previous build's residual: added to this change before selection (error feedback). */
  carried?: AdapterState,
): Result<BuiltUpdate> {
  const { round, precision, byteBudget } = assignment;
  const built = (() => {
    switch (assignment.kind) {
      case "soft": {
        const budget = byteBudget - softOverheadBytes(spec, precision);
        return buildSoftUpdate(spec, global, local, round, budget, precision, carried);
      }
      case "topk": {
        const budget = byteBudget - topkOverheadBytes(spec, precision);
        return buildTopkUpdate(spec, global, local, round, budget, precision, carried);
      }
      case "dense":
        return buildDenseUpdate(spec, global, local, round);
      case "b-only":
        return buildBOnlyUpdate(spec, global, local, round);
      default:
        return assignment.kind satisfies never;
    }
  })();
  if (!built.ok) return built;
  const encoded = encodeUpdate(spec, built.value.update, precision);
  if (!encoded.ok) return fail({ code: encoded.error.code, reason: encoded.error.reason });
  if (encoded.value.length > byteBudget) {
    return fail({
      code: "over-budget",
      reason: `a ${assignment.kind} update takes ${encoded.value.length} bytes, the budget is ${byteBudget}`,
    });
  }
  return ok({
    payload: encoded.value,
    keptRatio: built.value.keptRatio,
    energyLost: Math.min(1, Math.max(0, built.value.energyLost)),
    spectrum: importanceSpectrum(spec, global, local),
    residual: "residual" in built.value ? built.value.residual : undefined,
  });
}

/** rankImportance of every module between the round's global and the trained adapter, module-major. */
export function importanceSpectrum(spec: AdapterSpec, global: AdapterState, local: AdapterState): number[] {
  return spec.modules.flatMap((m, index) => {
    const before = global.modules[index];
    const after = local.modules[index];
    if (before === undefined || after === undefined) return Array.from({ length: m.rank }, () => 0);
    return Array.from(rankImportance(before, after, m.d, m.k, m.rank), (s) => (Number.isFinite(s) ? s : 0));
  });
}
