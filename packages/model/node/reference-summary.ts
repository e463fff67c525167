// The reference run over seeds: reads the files `reference-run.ts --json` wrote (one per seed, same settings) and
// prints each figure as mean +- sd, per split, as a Markdown table.
//   npx tsx packages/model/node/reference-summary.ts docs/evaluation/reference/seed-*.json
import { readFileSync } from "node:fs";
import { meanAndSd } from "@airlora/core";
import type { ReferenceResult } from "./reference-result";

const paths = process.argv.slice(2);
if (paths.length === 0) throw new Error("usage: reference-summary.ts RESULT.json...");
const results = paths.map((path): ReferenceResult => {
  const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (typeof parsed !== "object" || parsed === null || !("spam" in parsed) || !("sotu" in parsed)) {
    throw new Error(`${path}: not a reference-run.ts --json result`);
  }
  return parsed as ReferenceResult;
});
const [first] = results;
if (first === undefined) throw new Error("no results");
const settings = JSON.stringify(first.settings);
const differing = results.find((r) => JSON.stringify(r.settings) !== settings || r.preset !== first.preset);
if (differing !== undefined)
  throw new Error(`seed ${String(differing.seed)} ran other settings than seed ${String(first.seed)}`);

const pm = (xs: readonly number[], scale: number, digits: number, unit = ""): string => {
  const { mean, sd } = meanAndSd([...xs]);
  return `${(scale * mean).toFixed(digits)} +- ${(scale * sd).toFixed(digits)}${unit}`;
};
const seeds = results.map((r) => r.seed).join(", ");
console.log(`${first.preset}, settings ${settings}, seeds ${seeds}\n`);
console.log("| split | rows | LoRA accuracy | naive Bayes | naive Bayes on the model's input | sotu perplexity |");
console.log("| --- | --- | --- | --- | --- | --- |");
for (const [i, head] of first.spam.splits.entries()) {
  const spam = results.map((r) => r.spam.splits[i]);
  const sotu = results.map((r) => r.sotu.splits[i]);
  const pick = <T>(rows: readonly (T | undefined)[], value: (row: T) => number): number[] =>
    rows.map((row) => (row === undefined ? Number.NaN : value(row)));
  console.log(
    `| ${head.split} | ${pick(spam, (s) => s.rows).join("/")} | ${pm(
      pick(spam, (s) => s.accuracy),
      100,
      2,
      "%",
    )} | ` +
      `${pm(
        pick(spam, (s) => s.naiveBayes),
        100,
        2,
        "%",
      )} | ${pm(
        pick(spam, (s) => s.naiveBayesOnModelInput),
        100,
        2,
        "%",
      )} | ` +
      `${pm(
        pick(sotu, (s) => s.perplexity),
        1,
        1,
      )} |`,
  );
}
for (const [i, head] of first.spam.splits.entries()) {
  // Paired by seed: each seed's LoRA run and naive Bayes read the same split.
  const gaps = results.map((r) => {
    const split = r.spam.splits[i];
    return split === undefined ? Number.NaN : split.accuracy - split.naiveBayes;
  });
  console.log(`\nLoRA - naive Bayes on ${head.split}, paired by seed: ${pm(gaps, 100, 2, " points")}`);
}
console.log(
  `\nprobed head alone (${first.spam.probedHead.split}): ${pm(
    results.map((r) => r.spam.probedHead.accuracy),
    100,
    2,
    "%",
  )}; ` +
    `sotu before fine-tuning (${first.sotu.before.split}): ${pm(
      results.map((r) => r.sotu.before.perplexity),
      1,
      1,
    )}; ` +
    `minutes per seed: spam ${pm(
      results.map((r) => r.spam.minutes),
      1,
      1,
    )}, sotu ${pm(
      results.map((r) => r.sotu.minutes),
      1,
      1,
    )}`,
);
