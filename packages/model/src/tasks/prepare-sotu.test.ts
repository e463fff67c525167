import { describe, expect, it } from "vitest";
import { createTokenizer } from "../tokenizer/tokenizer";
import { buildTokenizerVocab, countGpt2Tokens } from "../tokenizer/vocab-builder";
import { defaultCalibrationRows } from "./calibration-slice";
import { documentStream, lmWindowCount } from "./lm-windows";
import { prepareSotuTask } from "./prepare-sotu";
import type { Shard } from "./shard";
import { checkShard } from "./shard";
import type { Address } from "./sotu-partition";

const counts = [8, 2, 9, 3, 1];
let year = 1790;
const addresses: Address[] = counts.flatMap((n, p) =>
  Array.from({ length: n }, () => {
    year += 1;
    return { year, president: `President ${p}`, text: `Address of ${year} by president ${p}.` };
  }),
);
const built = buildTokenizerVocab(countGpt2Tokens(addresses.map((a) => a.text)), 400);
if (!built.ok) throw new Error(built.error.reason);
const tokenizer = createTokenizer(built.value);

/** The token stream the windows were cut from: the first row whole, then each row without its first token. */
function streamText(shard: Shard): string {
  const ids: number[] = [];
  for (let row = 0; row < shard.lengths.length; row += 1) {
    const rowIds = shard.tokens.subarray(row * shard.seqLen, row * shard.seqLen + (shard.lengths[row] ?? 0));
    ids.push(...(row === 0 ? rowIds : rowIds.subarray(1)));
  }
  return tokenizer.decode(ids);
}

function prepare(clients: number, evalLimit?: number, more: { seed?: number; calibrationRows?: number } = {}) {
  const options = { clients, alpha: 1, seed: 3, seqLen: 6, ...more };
  const prepared = prepareSotuTask(addresses, tokenizer, evalLimit === undefined ? options : { ...options, evalLimit });
  if (!prepared.ok) throw new Error(prepared.error.reason);
  return prepared.value;
}

/** The addresses a "year president" list names. */
const named = (list: readonly string[]): Address[] =>
  list.map((name) => {
    const found = addresses.find((a) => `${String(a.year)} ${a.president}` === name);
    if (found === undefined) throw new Error(`no address ${name}`);
    return found;
  });

const rowKeys = (shard: Shard): string[] =>
  Array.from({ length: shard.lengths.length }, (_, row) =>
    shard.tokens.subarray(row * shard.seqLen, (row + 1) * shard.seqLen).join(","),
  );

describe("prepare sotu task", () => {
  it("streams each client's own presidents' addresses, held-out and calibration ones excluded, in windows of seqLen + 1", () => {
    const prepared = prepare(3);
    if (prepared.stats.dataset.task !== "sotu") throw new Error("sotu stats expected");
    const reserved = named(prepared.stats.dataset.calibrationAddresses).map((a) => a.text);
    expect(reserved.length).toBeGreaterThan(0);
    const test = [addresses[7]?.text, addresses[18]?.text];
    const validation = [addresses[6]?.text, addresses[17]?.text];
    const heldOut = [...test, ...validation];
    prepared.clientShards.forEach((shard, i) => {
      expect(shard.seqLen).toBe(7);
      expect(checkShard(shard).ok).toBe(true);
      const presidents = prepared.stats.clients[i]?.presidents ?? [];
      const expected = addresses
        .filter((a) => presidents.includes(a.president) && !heldOut.includes(a.text) && !reserved.includes(a.text))
        .map((a) => `${a.text}<|endoftext|>`)
        .join("");
      expect(streamText(shard)).toBe(expected);
    });
    expect(streamText(prepared.testShard)).toBe(test.map((t) => `${t ?? ""}<|endoftext|>`).join(""));
    expect(streamText(prepared.validationShard)).toBe(validation.map((t) => `${t ?? ""}<|endoftext|>`).join(""));
    expect(prepared.stats.dataset).toMatchObject({
      task: "sotu",
      addresses: 23,
      presidents: 5,
      validationAddresses: ["1797 President 0", "1808 President 2"],
      testAddresses: ["1798 President 0", "1809 President 2"],
    });
  });

  it("cuts the calibration slice from reserved training addresses: no window or address on a client or held out", () => {
    const prepared = prepare(4, undefined, { calibrationRows: 5 });
    if (prepared.stats.dataset.task !== "sotu") throw new Error("sotu stats expected");
    const { calibrationShard } = prepared;
    expect(calibrationShard.lengths.length).toBe(5);
    expect(checkShard(calibrationShard).ok).toBe(true);
    const reserved = named(prepared.stats.dataset.calibrationAddresses);
    // One address per president, never a held-out one, never a president's only training address.
    expect(new Set(reserved.map((a) => a.president)).size).toBe(reserved.length);
    for (let seed = 0; seed < 10; seed += 1) {
      const other = prepare(4, undefined, { seed, calibrationRows: 6 }).stats.dataset;
      // President 4 has a single training address.
      expect(other.task === "sotu" && other.calibrationAddresses.some((a) => a.endsWith("President 4"))).toBe(false);
    }
    expect(prepared.stats.calibration.presidents).toEqual([...new Set(reserved.map((a) => a.president))]);
    const calibrationRows = new Set(rowKeys(calibrationShard));
    for (const shard of [...prepared.clientShards, prepared.validationShard, prepared.testShard]) {
      expect(rowKeys(shard).filter((key) => calibrationRows.has(key))).toEqual([]);
      for (const a of reserved) expect(streamText(shard)).not.toContain(a.text);
    }
    // Every calibration window is read from the reserved addresses' stream.
    const reservedStream = reserved.map((a) => `${a.text}<|endoftext|>`).join("");
    for (let row = 0; row < 5; row += 1) {
      const ids = calibrationShard.tokens.subarray(row * 7, row * 7 + (calibrationShard.lengths[row] ?? 0));
      expect(reservedStream).toContain(tokenizer.decode(ids));
    }
    // Every president keeps training addresses on its client.
    expect(prepared.stats.clients.flatMap((c) => c.presidents ?? []).sort()).toHaveLength(5);
    prepared.clientShards.forEach((shard, i) => {
      for (const president of prepared.stats.clients[i]?.presidents ?? []) {
        expect(streamText(shard)).toContain(`by president ${president.slice(-1)}.`);
      }
    });
  });

  it("takes 5% of the training windows by default, the same slice for the same seed, and refuses one too large", () => {
    const prepared = prepare(2);
    // The clients' windows before any address was reserved.
    const trainingRows = prepared.stats.clients.reduce((n, c) => {
      const own = addresses.filter((a, i) => (c.presidents ?? []).includes(a.president) && ![6, 7, 17, 18].includes(i));
      const stream = documentStream(
        tokenizer,
        own.map((a) => a.text),
      );
      return n + lmWindowCount(stream.length, 7);
    }, 0);
    expect(trainingRows).toBeGreaterThan(20);
    expect(prepared.stats.calibration.rows).toBe(defaultCalibrationRows(trainingRows));
    const slice = (seed: number) => rowKeys(prepare(2, undefined, { seed, calibrationRows: 4 }).calibrationShard);
    expect(slice(5)).toEqual(slice(5));
    expect([1, 2, 3, 4, 6].some((seed) => slice(seed).join() !== slice(5).join())).toBe(true);
    expect(
      prepareSotuTask(addresses, tokenizer, { clients: 2, alpha: 1, seed: 0, seqLen: 6, calibrationRows: 1000 }).ok,
    ).toBe(false);
  });

  it("gives every president to exactly one client and caps the validation rows, never the test rows", () => {
    const prepared = prepare(5, 2);
    const presidents = prepared.stats.clients.flatMap((c) => c.presidents ?? []);
    expect(presidents.sort()).toEqual(["President 0", "President 1", "President 2", "President 3", "President 4"]);
    expect(prepared.validationShard.lengths.length).toBe(2);
    expect(prepared.stats.validationRowsAvailable).toBeGreaterThan(2);
    expect(prepared.testShard.lengths.length).toBe(prepare(5).testShard.lengths.length);
    expect(prepared.testShard.lengths.length).toBeGreaterThan(2);
  });

  it("fails as a value for more clients than presidents", () => {
    expect(prepareSotuTask(addresses, tokenizer, { clients: 6, alpha: 1, seed: 0, seqLen: 6 }).ok).toBe(false);
  });
});
