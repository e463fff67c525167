import { describe, expect, it } from "vitest";
import { createTokenizer } from "../tokenizer/tokenizer";
import { buildTokenizerVocab, countGpt2Tokens } from "../tokenizer/vocab-builder";
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

function prepare(clients: number, evalLimit?: number) {
  const options = { clients, alpha: 1, seed: 3, seqLen: 6 };
  const prepared = prepareSotuTask(addresses, tokenizer, evalLimit === undefined ? options : { ...options, evalLimit });
  if (!prepared.ok) throw new Error(prepared.error.reason);
  return prepared.value;
}

describe("prepare sotu task", () => {
  it("streams each client's own presidents' addresses, held-out ones excluded, in windows of seqLen + 1", () => {
    const prepared = prepare(3);
    const heldOut = [addresses[7]?.text, addresses[18]?.text];
    prepared.clientShards.forEach((shard, i) => {
      expect(shard.seqLen).toBe(7);
      expect(checkShard(shard).ok).toBe(true);
      const presidents = prepared.stats.clients[i]?.presidents ?? [];
      const expected = addresses
        .filter((a) => presidents.includes(a.president) && !heldOut.includes(a.text))
        .map((a) => `${a.text}<|endoftext|>`)
        .join("");
      expect(streamText(shard)).toBe(expected);
    });
    expect(streamText(prepared.evalShard)).toBe(heldOut.map((t) => `${t ?? ""}<|endoftext|>`).join(""));
    expect(prepared.stats.dataset).toEqual({
      task: "sotu",
      addresses: 23,
      presidents: 5,
      evalAddresses: ["1798 President 0", "1809 President 2"],
    });
  });

  it("gives every president to exactly one client and caps the evaluation rows", () => {
    const prepared = prepare(5, 2);
    const presidents = prepared.stats.clients.flatMap((c) => c.presidents ?? []);
    expect(presidents.sort()).toEqual(["President 0", "President 1", "President 2", "President 3", "President 4"]);
    expect(prepared.evalShard.lengths.length).toBe(2);
    expect(prepared.stats.evalRowsAvailable).toBeGreaterThan(2);
  });

  it("fails as a value for more clients than presidents", () => {
    expect(prepareSotuTask(addresses, tokenizer, { clients: 6, alpha: 1, seed: 0, seqLen: 6 }).ok).toBe(false);
  });
});
