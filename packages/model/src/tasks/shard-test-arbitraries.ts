// fast-check generators of valid shards, shared by the shard tests.
import fc from "fast-check";
import type { Shard } from "./shard";

export const validShard: fc.Arbitrary<Shard> = fc
  .record({
    task: fc.constantFrom("spam" as const, "sotu" as const),
    seqLen: fc.integer({ min: 1, max: 12 }),
    vocabSize: fc.integer({ min: 2, max: 65536 }),
    count: fc.integer({ min: 0, max: 6 }),
  })
  .chain(({ task, seqLen, vocabSize, count }) =>
    fc
      .array(
        fc.record({
          length: fc.integer({ min: 1, max: seqLen }),
          ids: fc.array(fc.integer({ min: 1, max: vocabSize - 1 }), { minLength: seqLen, maxLength: seqLen }),
          label: fc.integer({ min: 0, max: 1 }),
        }),
        { minLength: count, maxLength: count },
      )
      .map((rows): Shard => {
        const tokens = new Uint16Array(count * seqLen);
        rows.forEach((r, i) => {
          tokens.set(r.ids.slice(0, r.length), i * seqLen);
        });
        const base = { task, seqLen, vocabSize, tokens, lengths: Uint16Array.from(rows, (r) => r.length) };
        return task === "spam" ? { ...base, labels: Uint8Array.from(rows, (r) => r.label) } : base;
      }),
  );
