// What one seed of reference-run.ts writes with `--json FILE`, and what reference-summary.ts reads back.
import type { PresetName } from "../src/config/model-config";

export interface ReferenceResult {
  readonly preset: PresetName;
  readonly seed: number;
  readonly settings: {
    readonly rank: number;
    readonly targets: string;
    readonly batch: number;
    readonly lr: number;
    readonly schedule: "constant" | "cosine";
    readonly windows: "whole" | "random";
    readonly spamWindows: number;
    readonly spamSteps: number;
    readonly sotuSteps: number;
    readonly sotuEval: number;
  };
  readonly spam: {
    readonly minutes: number;
    /** The linearly probed head on the frozen model, before any LoRA step, on the first split scored. */
    readonly probedHead: { readonly split: string; readonly accuracy: number };
    readonly splits: readonly {
      readonly split: string;
      readonly rows: number;
      readonly accuracy: number;
      readonly naiveBayes: number;
      readonly naiveBayesOnModelInput: number;
    }[];
  };
  readonly sotu: {
    readonly minutes: number;
    readonly before: { readonly split: string; readonly perplexity: number };
    readonly splits: readonly { readonly split: string; readonly rows: number; readonly perplexity: number }[];
  };
}
