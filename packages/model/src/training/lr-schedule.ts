/** Linear warm-up then cosine decay to `floor` x peak: the usual schedule for short GPT pretraining runs. */
export function cosineLearningRate(
  step: number,
  totalSteps: number,
  peak: number,
  warmupSteps: number,
  floor = 0.1,
): number {
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return peak * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
