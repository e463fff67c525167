// Finds the first tfjs backend in probe order that really works here (docs/model-and-data.md section 6): each must
// initialise, run a matmul and a gradient, and get the right numbers. Never throws: failures become reasons.
import * as tf from "@tensorflow/tfjs-core";
import { BACKEND_ORDER, type BackendAttempt, type BackendName } from "@airlora/core";

/** A check that runs before tfjs touches a backend; returns why it cannot work, or null. */
export type Preflight = () => Promise<string | null>;

export interface ProbeOptions {
  readonly order?: readonly BackendName[];
  readonly preflight?: Partial<Record<BackendName, Preflight>>;
  readonly now?: () => number;
}

export interface ProbeReport {
  /** The backend now active in tfjs, or null when every candidate failed. */
  readonly backend: BackendName | null;
  readonly attempts: readonly BackendAttempt[];
}

/** The probe order with `preferred` moved to the front (a user's or a test's choice). */
export function probeOrder(preferred?: BackendName): BackendName[] {
  return preferred === undefined ? [...BACKEND_ORDER] : [preferred, ...BACKEND_ORDER.filter((b) => b !== preferred)];
}

export async function probeBackends(options: ProbeOptions = {}): Promise<ProbeReport> {
  const now = options.now ?? (() => tf.util.now());
  const attempts: BackendAttempt[] = [];
  for (const backend of options.order ?? BACKEND_ORDER) {
    const started = now();
    const reason = await tryBackend(backend, options.preflight?.[backend]);
    const ms = Math.round(now() - started);
    attempts.push(reason === null ? { backend, ok: true, ms } : { backend, ok: false, reason, ms });
    if (reason === null) return { backend, attempts };
  }
  return { backend: null, attempts };
}

/** Makes `backend` the active one if it initialises and computes right; returns why not, or null. */
export async function tryBackend(backend: BackendName, preflight: Preflight | undefined): Promise<string | null> {
  try {
    const blocked = preflight === undefined ? null : await preflight();
    if (blocked !== null) return blocked;
    if (!tf.engine().backendNames().includes(backend)) return "not included in this build";
    if (!(await tf.setBackend(backend))) return "tfjs could not initialise it";
    return await selfCheck();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Runs what training needs (matmul and a gradient) and compares with the known answer. */
async function selfCheck(): Promise<string | null> {
  const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
  const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
  const product = tf.matMul(a, b);
  // d/da sum((a @ b)^2) = 2 (a @ b) b^T
  const gradient = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, b))))(a);
  try {
    const got = [...(await product.data()), ...(await gradient.data())];
    const want = [19, 22, 43, 50, 454, 618, 1030, 1402];
    const wrong = got.findIndex(
      (value, i) => Math.abs(value - (want[i] ?? Number.NaN)) > 1e-3 * Math.abs(want[i] ?? 1),
    );
    return wrong === -1 && got.length === want.length ? null : `wrong result (${got.join(", ")})`;
  } finally {
    tf.dispose([a, b, product, gradient]);
  }
}
