// What the device lab page and its worker say to each other.
import type { BackendName, Failure } from "@airlora/core";
import type { LoraStepFigures, PresetName } from "@airlora/model";

export type LabRequest =
  | { readonly type: "parity"; readonly backends: readonly BackendName[] }
  | {
      readonly type: "bench";
      readonly presets: readonly PresetName[];
      readonly backends: readonly BackendName[];
      readonly steps: number;
      readonly batch: number;
    };

/** One backend's LoRA step compared with the cpu backend's on the same fixture. */
export interface ParityRow {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly reason?: string;
  /** The backend tfjs reports after the step (a silent fallback shows here). */
  readonly ranOn?: string;
  /** How many gradient tensors the step returned. */
  readonly gradients?: number;
  readonly loss?: number;
  readonly lossRelativeDifference?: number;
  /** Largest ||g - g_cpu|| / ||g_cpu|| over the LoRA and head gradients. */
  readonly maxGradientRelativeDifference?: number;
}

export type BenchRow =
  | ({ readonly ok: true } & LoraStepFigures)
  | { readonly ok: false; readonly preset: string; readonly backend: BackendName; readonly reason: string };

export type LabReply =
  | { readonly type: "parity-row"; readonly row: ParityRow }
  | { readonly type: "bench-row"; readonly row: BenchRow }
  | { readonly type: "done" }
  | { readonly type: "failed"; readonly error: Failure };
