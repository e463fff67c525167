// Seeded stratified train/test split: within each class a seeded shuffle, and the first round(testFraction * n_c)
// examples of class c go to test, so both sides keep the global label mix (to one example per class).
import type { Rng } from "@airlora/core";
import { shuffled } from "./shuffle";

export interface IndexSplit {
  /** Example indices, ascending. */
  readonly train: number[];
  readonly test: number[];
}

/** Indices of each label value, ascending, labels in ascending order. */
export function indicesByLabel(labels: ArrayLike<number>): Map<number, number[]> {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i += 1) {
    const label = labels[i] ?? 0;
    const list = byLabel.get(label) ?? [];
    list.push(i);
    byLabel.set(label, list);
  }
  return new Map([...byLabel].sort(([a], [b]) => a - b));
}

export function stratifiedSplit(labels: ArrayLike<number>, testFraction: number, rng: Rng): IndexSplit {
  if (!(testFraction >= 0 && testFraction <= 1)) throw new RangeError(`testFraction ${testFraction} outside [0, 1]`);
  const train: number[] = [];
  const test: number[] = [];
  for (const indices of indicesByLabel(labels).values()) {
    const order = shuffled(indices, rng);
    const nTest = Math.round(testFraction * order.length);
    test.push(...order.slice(0, nTest));
    train.push(...order.slice(nTest));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
