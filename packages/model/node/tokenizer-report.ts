// Prints how the committed vocabulary covers held-out text: the pretraining validation split, State of the Union
// addresses (never in the vocabulary's corpus) and the spam emails.
//   npx tsx packages/model/node/tokenizer-report.ts
import { tokenizationStats } from "../src/tokenizer/tokenization-stats";
import { loadPretrainingDocuments } from "./corpus";
import { loadSotuAddresses } from "./tasks/sotu-dataset";
import { loadSpamEmails } from "./tasks/spam-dataset";
import { readTokenizerVocab } from "./tokenizer-file";

const vocab = readTokenizerVocab();
if (!vocab.ok) {
  console.error(vocab.error.reason);
  process.exit(1);
}
const sotu = loadSotuAddresses();
const spam = loadSpamEmails();
const sets: [string, string[]][] = [
  ["pretraining validation", loadPretrainingDocuments().validation.map((d) => d.text)],
  ["sotu 2021 (Biden)", sotu.filter((a) => a.year === 2021).map((a) => a.text)],
  ["sotu 1801 (Jefferson)", sotu.filter((a) => a.year === 1801).map((a) => a.text)],
  ["sotu all", sotu.map((a) => a.text)],
  ["spam emails (label 1)", spam.filter((e) => e.label === 1).map((e) => e.text)],
  ["ham emails (label 0)", spam.filter((e) => e.label === 0).map((e) => e.text)],
];
const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
console.log(`vocabulary: ${vocab.value.vocabSize} tokens`);
for (const [name, texts] of sets) {
  const s = tokenizationStats(vocab.value, texts);
  console.log(
    `${name.padEnd(24)} words ${String(s.words).padStart(8)}  tokens/word ${s.tokensPerWord.toFixed(3)} ` +
      `(GPT-2 ${s.gpt2TokensPerWord.toFixed(3)})  fallback ${percent(s.fallbackRate)}  byte tokens ${percent(s.byteTokenShare)}`,
  );
}
