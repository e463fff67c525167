// The sotu task from its addresses (DESIGN.md section 5): next-token language modelling, clients split by
// president (sotu-partition.ts), each client's addresses joined into one stream (end-of-text after each) and cut
// into overlapping windows of seqLen + 1 tokens; the held-out addresses form the evaluation shard.
import { type Result, createRng, fail, ok } from "@airlora/core";
import type { Tokenizer } from "../tokenizer/tokenizer";
import { documentStream, lmShard } from "./lm-windows";
import type { PrepareOptions, PreparedTask } from "./prepared-task";
import { evenlySpacedRows, shardTokenCount } from "./shard-rows";
import { type Address, presidentsOf, splitSotu } from "./sotu-partition";

export function prepareSotuTask(
  addresses: readonly Address[],
  tokenizer: Tokenizer,
  options: PrepareOptions,
): Result<PreparedTask> {
  const { clients, seed, seqLen } = options;
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > 65534) {
    return fail({ code: "invalid-seq-len", reason: "seqLen must be in [1, 65534]" });
  }
  const split = splitSotu(addresses, clients, createRng(seed).fork());
  if (!split.ok) return split;
  const shardOf = (indices: readonly number[]) =>
    lmShard(
      "sotu",
      documentStream(
        tokenizer,
        indices.map((i) => addresses[i]?.text ?? ""),
      ),
      seqLen + 1,
      tokenizer.vocabSize,
    );
  const clientShards = split.value.clients.map((c) => shardOf(c.addresses));
  const fullEval = shardOf(split.value.evaluation);
  const evalShard = options.evalLimit === undefined ? fullEval : evenlySpacedRows(fullEval, options.evalLimit);
  const evalAddresses = split.value.evaluation.map(
    (i) => `${addresses[i]?.year ?? "?"} ${addresses[i]?.president ?? "?"}`,
  );
  return ok({
    task: "sotu",
    clientShards,
    evalShard,
    stats: {
      dataset: {
        task: "sotu",
        addresses: addresses.length,
        presidents: presidentsOf(addresses).length,
        evalAddresses,
      },
      clients: clientShards.map((shard, i) => ({
        rows: shard.lengths.length,
        tokens: shardTokenCount(shard),
        presidents: split.value.clients[i]?.presidents ?? [],
      })),
      eval: { rows: evalShard.lengths.length, tokens: shardTokenCount(evalShard) },
      evalRowsAvailable: fullEval.lengths.length,
    },
  });
}
