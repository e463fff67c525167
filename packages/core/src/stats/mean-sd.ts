// Mean and sample standard deviation (n - 1): how every multi-seed figure is reported (sd 0 for a single value,
// both NaN for none).
export interface MeanSd {
  readonly mean: number;
  readonly sd: number;
}

export function meanAndSd(values: readonly number[]): MeanSd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n < 2 ? 0 : values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
  return { mean, sd: Math.sqrt(variance) };
}
