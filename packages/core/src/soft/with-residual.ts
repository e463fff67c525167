// Error feedback's first step, shared by the SOFT and top-k builders (docs/algorithms.md section 3.5): what a client
// means to send is its local factors plus what it left out last round.
import type { AdapterState, LoraModuleState } from "../lora/adapter-state";

/** local + residual per LoRA factor; dense tensors are sent whole, so the residual's dense part is ignored. */
export function withResidual(local: AdapterState, residual: AdapterState | undefined): readonly LoraModuleState[] {
  if (residual === undefined) return local.modules;
  return local.modules.map((m, index) => {
    const res = residual.modules[index];
    const a = m.a.slice();
    const b = m.b.slice();
    if (res !== undefined) {
      for (let i = 0; i < a.length; i += 1) a[i] = (a[i] ?? 0) + (res.a[i] ?? 0);
      for (let i = 0; i < b.length; i += 1) b[i] = (b[i] ?? 0) + (res.b[i] ?? 0);
    }
    return { a, b };
  });
}
