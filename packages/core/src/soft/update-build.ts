// What every client-side update builder returns: the update plus the two figures the round log reports per client
// (docs/interfaces.md: keptRatio, energyLost).
import type { AdapterSpec } from "../lora/adapter-spec";
import type { AdapterState } from "../lora/adapter-state";
import { validateAdapter } from "../lora/validate-adapter";
import type { Result } from "../result";
import type { AdapterUpdate, UpdateKind } from "../update/adapter-update";

export type UpdateOfKind<K extends UpdateKind> = Extract<AdapterUpdate, { readonly kind: K }>;

export interface UpdateBuild<K extends UpdateKind> {
  readonly update: UpdateOfKind<K>;
  /** Share of the update's units that travel: rank components (soft), elements (topk), 1 for dense and b-only. */
  readonly keptRatio: number;
  /** Share of the update energy ||B'A' - BA||_F^2 (summed over modules) the server will not see; 0 = nothing lost. */
  readonly energyLost: number;
}

/** Both states well-formed for the spec: a diverged local training run (NaN) stops here, not at the server. */
export function checkStates(spec: AdapterSpec, global: AdapterState, local: AdapterState): Result<void> {
  const g = validateAdapter(spec, global);
  if (!g.ok) return { ok: false, error: { code: g.error.code, reason: `global: ${g.error.reason}` } };
  const l = validateAdapter(spec, local);
  if (!l.ok) return { ok: false, error: { code: l.error.code, reason: `local: ${l.error.reason}` } };
  return g;
}
