// Prints the spam baseline: multinomial naive Bayes on the same seeded 80/20 split the spam task trains on.
//   npx tsx packages/model/node/naive-bayes-baseline.ts [--seeds 0,1,2,3,4]
import { parseArgs } from "node:util";
import { naiveBayesAccuracy, trainNaiveBayes } from "../src/tasks/naive-bayes";
import { splitSpam } from "../src/tasks/prepare-spam";
import { loadSpamEmails } from "./tasks/spam-dataset";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "0,1,2,3,4" } } });
const seeds = values.seeds.split(",").map(Number);
const emails = loadSpamEmails();
const labels = emails.map((e) => e.label);
const accuracies = seeds.map((seed) => {
  const { train, test } = splitSpam(labels, seed);
  const model = trainNaiveBayes(train.map((i) => emails[i] ?? { text: "", label: 0 }));
  const accuracy = naiveBayesAccuracy(
    model,
    test.map((i) => emails[i] ?? { text: "", label: 0 }),
  );
  const hamShare = test.filter((i) => labels[i] === 0).length / test.length;
  console.log(
    `seed ${seed}: train ${train.length}, test ${test.length}, accuracy ${(100 * accuracy).toFixed(2)}% ` +
      `(always-ham ${(100 * hamShare).toFixed(2)}%)`,
  );
  return accuracy;
});
const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
console.log(`mean accuracy over ${seeds.length} seeds: ${(100 * mean).toFixed(2)}%`);
