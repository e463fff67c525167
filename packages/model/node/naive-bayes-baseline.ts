// Prints the spam baseline: multinomial naive Bayes on the same seeded split the spam task trains on (duplicates
// out, 70/10/20), on validation and on test, per seed and as mean +- standard deviation.
//   npx tsx packages/model/node/naive-bayes-baseline.ts [--seeds 0,1,2,3,4]
import { parseArgs } from "node:util";
import { meanAndSd } from "@airlora/core";
import { naiveBayesAccuracy, trainNaiveBayes } from "../src/tasks/naive-bayes";
import { splitSpam } from "../src/tasks/prepare-spam";
import { loadSpamEmails } from "./tasks/spam-dataset";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "0,1,2,3,4" } } });
const seeds = values.seeds.split(",").map(Number);
const emails = loadSpamEmails();
const pick = (indices: readonly number[]) => indices.map((i) => emails[i] ?? { text: "", label: 0 });
const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;
const runs = seeds.map((seed) => {
  const split = splitSpam(emails, seed);
  const model = trainNaiveBayes(pick(split.train));
  const validation = naiveBayesAccuracy(model, pick(split.validation));
  const test = naiveBayesAccuracy(model, pick(split.test));
  const hamShare = split.test.filter((i) => emails[i]?.label === 0).length / split.test.length;
  const { exact, near, conflicting } = split.duplicates;
  console.log(
    `seed ${seed}: ${emails.length} emails, ${exact} exact + ${near} near duplicates and ${conflicting} with both ` +
      `labels left out; train ${split.train.length}, validation ${split.validation.length}, test ` +
      `${split.test.length}; validation ${percent(validation)}, test ${percent(test)} (always-ham ${percent(hamShare)})`,
  );
  return { validation, test };
});
const summary = (xs: number[]): string => {
  const { mean, sd } = meanAndSd(xs);
  return `${(100 * mean).toFixed(2)} +- ${(100 * sd).toFixed(2)}%`;
};
console.log(
  `over ${seeds.length} seeds: validation ${summary(runs.map((r) => r.validation))}, test ${summary(runs.map((r) => r.test))}`,
);
