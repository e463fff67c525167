// How the report writes its figures: mean +- sd, and quality as accuracy in percent or perplexity. Pure.
import type { MeanSd } from "@airlora/core";

export type QualityKind = "accuracy" | "perplexity";

/** "mean +- sd", both scaled and rounded alike. */
export const pm = (x: MeanSd, digits: number, scale = 1): string =>
  `${(x.mean * scale).toFixed(digits)} +- ${(x.sd * scale).toFixed(digits)}`;

/** A quality figure over seeds: accuracy in percent, perplexity as it is. */
export const qualityPm = (x: MeanSd, kind: QualityKind): string =>
  kind === "accuracy" ? `${pm(x, 2, 100)}%` : pm(x, 2);

/** One quality figure (a mean, an interpolation). */
export const qualityOf = (x: number, kind: QualityKind): string =>
  kind === "accuracy" ? `${(100 * x).toFixed(2)}%` : x.toFixed(2);
