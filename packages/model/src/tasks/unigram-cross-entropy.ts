// The unigram baseline a language model must beat (model card): token frequencies of the training ids with
// add-one (Laplace) smoothing, scored on the validation ids. Nats per token.

/** -mean log p(v) over `validIds`, p(v) = (count_train(v) + 1) / (N_train + vocabSize). */
export function unigramCrossEntropy(
  trainIds: ArrayLike<number>,
  validIds: ArrayLike<number>,
  vocabSize: number,
): number {
  const counts = new Float64Array(vocabSize);
  for (let i = 0; i < trainIds.length; i += 1) {
    const id = trainIds[i] ?? -1;
    if (id < 0 || id >= vocabSize) throw new RangeError(`train id ${id} outside [0, ${vocabSize})`);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  const logTotal = Math.log(trainIds.length + vocabSize);
  let sum = 0;
  for (let i = 0; i < validIds.length; i += 1) {
    const id = validIds[i] ?? -1;
    if (id < 0 || id >= vocabSize) throw new RangeError(`validation id ${id} outside [0, ${vocabSize})`);
    sum += logTotal - Math.log((counts[id] ?? 0) + 1);
  }
  return validIds.length === 0 ? 0 : sum / validIds.length;
}
