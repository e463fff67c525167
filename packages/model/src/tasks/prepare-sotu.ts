// The sotu task from its addresses (docs/model-and-data.md section 4.2): next-token language modelling, clients split
// by president (sotu-partition.ts), each client's addresses joined into one stream (end-of-text after each) and cut
// into overlapping windows of seqLen + 1 tokens; the held-out addresses form the validation and test shards, a few
// reserved training addresses the calibration slice.
import { type Result, type Rng, createRng, fail, ok } from "@airlora/core";
import type { Tokenizer } from "../tokenizer/tokenizer";
import { calibrationRowCount } from "./calibration-slice";
import { joinedStream, lmShard, lmWindowCount } from "./lm-windows";
import type { PrepareOptions, PreparedTask } from "./prepared-task";
import { evenlySpacedRows, shardTokenCount } from "./shard-rows";
import { shuffled } from "./shuffle";
import { type Address, type SotuSplit, presidentsOf, splitSotu } from "./sotu-partition";

export function prepareSotuTask(
  addresses: readonly Address[],
  tokenizer: Tokenizer,
  options: PrepareOptions,
): Result<PreparedTask> {
  const { clients, seed, seqLen } = options;
  if (!Number.isInteger(seqLen) || seqLen < 1 || seqLen > 65534) {
    return fail({ code: "invalid-seq-len", reason: "seqLen must be in [1, 65534]" });
  }
  const root = createRng(seed);
  const split = splitSotu(addresses, clients, root.fork());
  if (!split.ok) return split;
  const window = seqLen + 1;
  const encoded = new Map<number, ArrayLike<number>>();
  const idsOf = (i: number): ArrayLike<number> => {
    const known = encoded.get(i);
    if (known !== undefined) return known;
    const ids = tokenizer.encode(addresses[i]?.text ?? "");
    encoded.set(i, ids);
    return ids;
  };
  const windowsOf = (indices: readonly number[]): number =>
    lmWindowCount(
      indices.reduce((n, i) => n + idsOf(i).length + 1, 0),
      window,
    );
  const shardOf = (indices: readonly number[]) =>
    lmShard("sotu", joinedStream(indices.map(idsOf)), window, tokenizer.vocabSize);
  const calibrationRows = calibrationRowCount(
    options.calibrationRows,
    split.value.clients.reduce((n, c) => n + windowsOf(c.addresses), 0),
  );
  if (!calibrationRows.ok) return calibrationRows;
  const reserved = reserveCalibrationAddresses(addresses, split.value, calibrationRows.value, windowsOf, root.fork());
  if (!reserved.ok) return reserved;
  const held = new Set(reserved.value);
  const clientShards = split.value.clients.map((c) => shardOf(c.addresses.filter((i) => !held.has(i))));
  const calibrationShard = evenlySpacedRows(shardOf(reserved.value), calibrationRows.value);
  const fullValidation = shardOf(split.value.validation);
  const validationShard =
    options.evalLimit === undefined ? fullValidation : evenlySpacedRows(fullValidation, options.evalLimit);
  const testShard = shardOf(split.value.test);
  const named = (indices: readonly number[]): string[] =>
    indices.map((i) => `${addresses[i]?.year ?? "?"} ${addresses[i]?.president ?? "?"}`);
  return ok({
    task: "sotu",
    clientShards,
    validationShard,
    testShard,
    calibrationShard,
    stats: {
      dataset: {
        task: "sotu",
        addresses: addresses.length,
        presidents: presidentsOf(addresses).length,
        validationAddresses: named(split.value.validation),
        testAddresses: named(split.value.test),
        calibrationAddresses: named(reserved.value),
      },
      clients: clientShards.map((shard, i) => ({
        rows: shard.lengths.length,
        tokens: shardTokenCount(shard),
        presidents: split.value.clients[i]?.presidents ?? [],
      })),
      validation: { rows: validationShard.lengths.length, tokens: shardTokenCount(validationShard) },
      test: { rows: testShard.lengths.length, tokens: shardTokenCount(testShard) },
      calibration: {
        rows: calibrationShard.lengths.length,
        tokens: shardTokenCount(calibrationShard),
        presidents: presidentsOf(reserved.value.map((i) => addresses[i]).filter((a) => a !== undefined)),
      },
      validationRowsAvailable: fullValidation.lengths.length,
    },
  });
}

/**
 * Training addresses for the calibration slice, ascending: in a seeded order of the presidents with at least two
 * training addresses, one seeded address of each, until their stream gives `rows` windows. Whole addresses, so no
 * window or token is shared with a client; one per president and never a president's only one, so every client
 * keeps all its presidents.
 */
function reserveCalibrationAddresses(
  addresses: readonly Address[],
  split: SotuSplit,
  rows: number,
  windowsOf: (indices: readonly number[]) => number,
  rng: Rng,
): Result<number[]> {
  const byPresident = new Map<string, number[]>();
  for (const i of split.clients.flatMap((c) => c.addresses)) {
    const president = addresses[i]?.president ?? "";
    byPresident.set(president, [...(byPresident.get(president) ?? []), i]);
  }
  const eligible = [...byPresident.values()].filter((list) => list.length >= 2);
  const reserved: number[] = [];
  for (const list of shuffled(eligible, rng)) {
    if (windowsOf(reserved) >= rows) break;
    reserved.push(list[rng.int(list.length)] ?? -1);
    reserved.sort((a, b) => a - b);
  }
  if (windowsOf(reserved) < rows) {
    return fail({
      code: "invalid-calibration-rows",
      reason: `one address of each president with two or more gives ${String(windowsOf(reserved))} calibration windows, fewer than ${String(rows)}`,
    });
  }
  return ok(reserved);
}
