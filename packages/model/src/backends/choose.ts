// Which tfjs backend a participant trains on (docs/model-and-data.md section 6). Every backend is probed (it must
// initialise and compute a matmul and a gradient right), then each one that works is timed on a short LoRA step
// and the fastest wins: the first that works is often the wrong one (a software WebGPU adapter is tens of times
// slower than wasm on a CPU). A forced backend (`?backend=`) is taken without timing anything, if it works.
import * as tf from "@tensorflow/tfjs-core";
import { BACKEND_ORDER, type BackendAttempt, type BackendName } from "@airlora/core";
import { tryBackend, type Preflight } from "./probe";

/** How one backend fared. */
export type BackendVerdict =
  /** It trains here. */
  | "chosen"
  /** It works but another one took a step faster. */
  | "slower"
  /** It works; not timed because a backend was forced. */
  | "not-timed"
  /** It does not initialise, computes wrong, or failed its timed step. */
  | "failed";

export interface BackendRow {
  readonly backend: BackendName;
  readonly verdict: BackendVerdict;
  /** Time of the probe (initialisation and self-check). */
  readonly probeMs: number;
  /** Least time of the timed LoRA steps, after a warm-up step. */
  readonly stepMs?: number;
  /** The warm-up step (on WebGPU this includes compiling the shaders). */
  readonly firstStepMs?: number;
  /** In words: why it was chosen, why not, or why it failed. */
  readonly reason: string;
}

export interface BackendChoice {
  /** Now active in tfjs; null when none works. */
  readonly backend: BackendName | null;
  readonly rows: readonly BackendRow[];
}

export interface ChooseOptions {
  readonly preflight?: Partial<Record<BackendName, Preflight>>;
  /** Take this one if it works (no timing); if it does not, choose among the others as usual and say so. */
  readonly forced?: BackendName;
  /** Why it is forced, in words (default: `?backend=<name>`; a page that remembers an earlier choice says so). */
  readonly forcedBy?: string;
  /** A short LoRA step on the active backend (model/bench/lora-step-bench.ts `timeLoraStep`). */
  readonly timeStep: () => Promise<{ readonly firstStepMs: number; readonly msPerStep: number }>;
  readonly now?: () => number;
}

export async function chooseBackend(options: ChooseOptions): Promise<BackendChoice> {
  const now = options.now ?? (() => tf.util.now());
  const probed: { backend: BackendName; probeMs: number; failure: string | null }[] = [];
  for (const backend of BACKEND_ORDER) {
    const started = now();
    const failure = await tryBackend(backend, options.preflight?.[backend]);
    probed.push({ backend, probeMs: Math.round(now() - started), failure });
  }
  const failed = (p: (typeof probed)[number], reason: string): BackendRow => ({
    backend: p.backend,
    verdict: "failed",
    probeMs: p.probeMs,
    reason,
  });

  const forced = probed.find((p) => p.backend === options.forced);
  const by = options.forcedBy ?? `?backend=${options.forced ?? ""}`;
  if (forced !== undefined && forced.failure === null && (await tf.setBackend(forced.backend))) {
    return {
      backend: forced.backend,
      rows: probed.map((p): BackendRow => {
        if (p.failure !== null) return failed(p, p.failure);
        return p === forced
          ? { backend: p.backend, verdict: "chosen", probeMs: p.probeMs, reason: `forced by ${by}` }
          : {
              backend: p.backend,
              verdict: "not-timed",
              probeMs: p.probeMs,
              reason: `works; not timed (${by} chose ${forced.backend})`,
            };
      }),
    };
  }
  const forcedNote =
    forced === undefined ? "" : ` (${by} asked for ${forced.backend} but ${forced.failure ?? "it failed"})`;

  const timed: { backend: BackendName; probeMs: number; stepMs: number; firstStepMs: number }[] = [];
  const rows = new Map<BackendName, BackendRow>();
  for (const p of probed) {
    if (p.failure !== null) {
      rows.set(p.backend, failed(p, p.failure));
      continue;
    }
    try {
      if (!(await tf.setBackend(p.backend))) throw new Error("tfjs could not switch to it");
      const step = await options.timeStep();
      timed.push({ backend: p.backend, probeMs: p.probeMs, stepMs: step.msPerStep, firstStepMs: step.firstStepMs });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      rows.set(p.backend, failed(p, `its LoRA step failed: ${reason}`));
    }
  }
  // The least time per step; a tie goes to the earlier one in probe order (timed is in that order).
  const best = timed.reduce<(typeof timed)[number] | undefined>(
    (a, b) => (a === undefined || b.stepMs < a.stepMs ? b : a),
    undefined,
  );
  for (const t of timed) {
    const figures = { probeMs: t.probeMs, stepMs: t.stepMs, firstStepMs: t.firstStepMs };
    const only = timed.length === 1;
    rows.set(
      t.backend,
      t === best
        ? {
            backend: t.backend,
            verdict: "chosen",
            ...figures,
            reason: `${only ? "the only one that works" : "the fastest LoRA step"}${forcedNote}`,
          }
        : {
            backend: t.backend,
            verdict: "slower",
            ...figures,
            reason: `works, but ${Math.round(t.stepMs)} ms per LoRA step is ${ratio(t.stepMs, best?.stepMs)} the ${best?.backend ?? "?"} step`,
          },
    );
  }
  if (best !== undefined && !(await tf.setBackend(best.backend))) {
    return { backend: null, rows: BACKEND_ORDER.flatMap((b) => rows.get(b) ?? []) };
  }
  return { backend: best?.backend ?? null, rows: BACKEND_ORDER.flatMap((b) => rows.get(b) ?? []) };
}

/** What the hello reports: each backend, whether it works, and the reason it was not chosen. */
export function choiceAttempts(choice: BackendChoice): BackendAttempt[] {
  return choice.rows.map((row) => ({
    backend: row.backend,
    ok: row.verdict !== "failed",
    ms: row.probeMs,
    ...(row.verdict === "chosen" ? {} : { reason: row.reason.slice(0, 500) }),
  }));
}

function ratio(ms: number, bestMs: number | undefined): string {
  if (bestMs === undefined || bestMs <= 0) return "";
  const x = ms / bestMs;
  return `${x < 10 ? x.toFixed(1) : x.toFixed(0)}x`;
}
