export { type TokenizedExample, classificationShard } from "./classification-examples";
export { sampleDirichlet, sampleLogGamma } from "./dirichlet";
export { apportion, dirichletPartition } from "./dirichlet-partition";
export { DEFAULT_MAX_BODY_CHARS, emailToText } from "./email-text";
export { htmlToText } from "./html-text";
export { documentStream, lmShard, lmWindowCount } from "./lm-windows";
export {
  type LabelledText,
  type NaiveBayesModel,
  naiveBayesAccuracy,
  naiveBayesScores,
  predictNaiveBayes,
  trainNaiveBayes,
  wordsOf,
} from "./naive-bayes";
export { prepareSotuTask } from "./prepare-sotu";
export {
  type LabelledEmail,
  type SpamSplit,
  SPAM_TEST_FRACTION,
  SPAM_VALIDATION_FRACTION,
  prepareSpamTask,
  splitSpam,
} from "./prepare-spam";
export { type Deduplication, dedupeEmails, NEAR_MIN_CHARS, NEAR_PREFIX_CHARS } from "./dedupe-emails";
export type { PrepareOptions, PreparedTask, ShardStats, SotuStats, SpamStats } from "./prepared-task";
export {
  MAX_SHARD_SEQ_LEN,
  MAX_SHARD_VOCAB_SIZE,
  type Shard,
  TASKS,
  TASK_CLASSES,
  type TaskName,
  checkShard,
  shardExampleCount,
} from "./shard";
export {
  SHARD_HEADER_BYTES,
  SHARD_MAGIC,
  SHARD_VERSION,
  decodeShard,
  encodeShard,
  encodedShardBytes,
} from "./shard-codec";
export { evenlySpacedRows, selectRows, shardLabelCounts, shardTokenCount } from "./shard-rows";
export { shuffled } from "./shuffle";
export {
  type Address,
  SOTU_EVAL_MIN_ADDRESSES,
  SOTU_PRESIDENTS,
  type SotuSplit,
  presidentsOf,
  sotuHeldOutAddresses,
  splitSotu,
} from "./sotu-partition";
export { type IndexSplit, indicesByLabel, stratifiedSplit } from "./stratified-split";
export { decodeBase64, decodeQuotedPrintable } from "./transfer-encoding";
export { unigramCrossEntropy } from "./unigram-cross-entropy";
