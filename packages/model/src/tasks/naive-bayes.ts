// The spam baseline a fine-tuned model should beat: multinomial naive Bayes over lowercased words with Laplace
// (add-one) smoothing, p(w | c) = (n(w, c) + 1) / (n(c) + |V|). Words never seen in training are ignored.

export interface LabelledText {
  readonly text: string;
  readonly label: number;
}

export interface NaiveBayesModel {
  readonly classes: number;
  readonly logPrior: Float64Array;
  /** log p(w | c) for each training word, indexed by class. */
  readonly logLikelihood: ReadonlyMap<string, Float64Array>;
}

/** Lowercased runs of letters and digits (an apostrophe inside a word is kept: "don't"). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu) ?? [];
}

export function trainNaiveBayes(examples: readonly LabelledText[], classes = 2): NaiveBayesModel {
  const docCounts = new Float64Array(classes);
  const wordTotals = new Float64Array(classes);
  const counts = new Map<string, Float64Array>();
  for (const { text, label } of examples) {
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new RangeError(`label ${label} outside [0, ${classes})`);
    docCounts[label] = (docCounts[label] ?? 0) + 1;
    for (const word of wordsOf(text)) {
      let row = counts.get(word);
      if (row === undefined) {
        row = new Float64Array(classes);
        counts.set(word, row);
      }
      row[label] = (row[label] ?? 0) + 1;
      wordTotals[label] = (wordTotals[label] ?? 0) + 1;
    }
  }
  const vocabulary = counts.size;
  const logLikelihood = new Map<string, Float64Array>();
  for (const [word, row] of counts) {
    logLikelihood.set(
      word,
      row.map((n, c) => Math.log((n + 1) / ((wordTotals[c] ?? 0) + vocabulary))),
    );
  }
  // Add-one on the priors too, so a class absent from training stays possible.
  const logPrior = docCounts.map((n) => Math.log((n + 1) / (examples.length + classes)));
  return { classes, logPrior, logLikelihood };
}

/** Class log-scores (unnormalised log posteriors) of `text`. */
export function naiveBayesScores(model: NaiveBayesModel, text: string): Float64Array {
  const scores = Float64Array.from(model.logPrior);
  for (const word of wordsOf(text)) {
    const row = model.logLikelihood.get(word);
    if (row === undefined) continue;
    for (let c = 0; c < model.classes; c += 1) scores[c] = (scores[c] ?? 0) + (row[c] ?? 0);
  }
  return scores;
}

/** The most probable class (the lowest index on ties). */
export function predictNaiveBayes(model: NaiveBayesModel, text: string): number {
  const scores = naiveBayesScores(model, text);
  let best = 0;
  for (let c = 1; c < model.classes; c += 1) if ((scores[c] ?? -Infinity) > (scores[best] ?? -Infinity)) best = c;
  return best;
}

export function naiveBayesAccuracy(model: NaiveBayesModel, examples: readonly LabelledText[]): number {
  if (examples.length === 0) return 0;
  const correct = examples.filter((e) => predictNaiveBayes(model, e.text) === e.label).length;
  return correct / examples.length;
}
