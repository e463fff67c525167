// The participant's heavy work, behind an interface so that the session's logic does not care where it runs: the
// tfjs implementation (tfjs-compute.ts) trains for real in a browser worker or a Node thread.
import type { AdapterSpec, AdapterState, Result } from "@airlora/core";
import type { AdapterShape, SessionInfo, TrainingSettings } from "@airlora/protocol";

export interface DownloadedFiles {
  readonly weights: Uint8Array;
  readonly poolingCentre: Uint8Array;
  readonly shard: Uint8Array;
}

export interface LocalWork {
  readonly adapter: AdapterState;
  readonly stepsDone: number;
  /** Mean training loss over the steps done (the probe's training accuracy is not a loss: null there). */
  readonly meanLoss: number | null;
}

/** When local work must end: a slow device does less work rather than miss the round. */
export interface WorkLimit {
  /** Stop before a step that would start at or after this time (the session's clock). */
  readonly deadlineAt: number;
  readonly now: () => number;
  readonly signal: { readonly aborted: boolean };
}

export interface TrainRequest extends WorkLimit {
  readonly steps: number;
  readonly seed: number;
  /** ffa: A stays at the global's values. */
  readonly freezeA: boolean;
  readonly onStep?: (step: number, steps: number, loss: number, tokensPerSec: number) => void;
}

export interface ParticipantCompute {
  /** Loads the base model and this participant's shard; returns its training rows. */
  load(info: SessionInfo, files: DownloadedFiles): Result<{ readonly rows: number }>;
  /** The adapter spec a round's shape names, for the loaded model and task. */
  specFor(shape: AdapterShape): Result<AdapterSpec>;
  /** Round 0 of a classification run: the head fitted on this shard's frozen features (those it reads in time). */
  fitHead(
    spec: AdapterSpec,
    global: AdapterState,
    settings: TrainingSettings,
    limit: WorkLimit,
  ): Promise<Result<LocalWork>>;
  /** LoRA training from the round's global adapter. */
  train(
    spec: AdapterSpec,
    global: AdapterState,
    settings: TrainingSettings,
    request: TrainRequest,
  ): Promise<Result<LocalWork>>;
  dispose(): void;
}
