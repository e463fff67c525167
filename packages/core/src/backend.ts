// Which tfjs backend a participant trains on. The order is the probe order (docs/model-and-data.md section 6): the
// first that initialises and computes correctly wins.
export const BACKEND_ORDER = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** One step of a backend probe: whether the backend passed its check, and why not. */
export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly reason?: string;
  readonly ms: number;
}
