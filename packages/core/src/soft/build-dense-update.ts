// Client-side builders for the fedit ("dense") and ffa ("b-only") rules (docs/algorithms.md sections 4.3-4.4):
// everything travels, so they only copy and check; they exist so that no client hand-assembles an update.
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { ok, type Result } from "../result";
import { productChangeEnergy } from "./product-change-energy";
import { checkStates, type UpdateBuild } from "./update-build";

/** fedit: all of A' and B' plus the dense tensors, as new values. Nothing is lost. */
export function buildDenseUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  round: number,
): Result<UpdateBuild<"dense">> {
  const checked = checkStates(spec, global, local);
  if (!checked.ok) return checked;
  return ok({
    update: {
      kind: "dense",
      round,
      modules: local.modules.map((m) => ({ a: m.a.slice(), b: m.b.slice() })),
      dense: local.dense.map((t) => t.slice()),
    },
    keptRatio: 1,
    energyLost: 0,
  });
}

/**
 * ffa: only B' travels; the server keeps A at the global's (frozen, seeded) values. The trainer is expected to freeze
 * A; if it did not, energyLost reports exactly the share of ||B'A' - BA||^2 that dropping A' loses (0 when A' = A).
 */
export function buildBOnlyUpdate(
  spec: AdapterSpec,
  global: AdapterState,
  local: AdapterState,
  round: number,
): Result<UpdateBuild<"b-only">> {
  const checked = checkStates(spec, global, local);
  if (!checked.ok) return checked;
  let lost = 0;
  let total = 0;
  for (const [index, m] of spec.modules.entries()) {
    const before = global.modules[index];
    const after = local.modules[index];
    if (before === undefined || after === undefined) continue;
    lost += productChangeEnergy({ a: before.a, b: after.b }, after, m.d, m.k, m.rank);
    total += productChangeEnergy(before, after, m.d, m.k, m.rank);
  }
  return ok({
    update: {
      kind: "b-only",
      round,
      modules: local.modules.map((m) => ({ b: m.b.slice() })),
      dense: local.dense.map((t) => t.slice()),
    },
    keptRatio: 1,
    energyLost: total > 0 ? lost / total : 0,
  });
}
