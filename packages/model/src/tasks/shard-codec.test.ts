import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkShard, type Shard } from "./shard";
import { SHARD_HEADER_BYTES, decodeShard, encodeShard, encodedShardBytes } from "./shard-codec";
import { validShard } from "./shard-test-arbitraries";

const example: Shard = {
  task: "spam",
  seqLen: 3,
  vocabSize: 300,
  tokens: Uint16Array.of(5, 299, 0, 7, 0, 0),
  lengths: Uint16Array.of(2, 1),
  labels: Uint8Array.of(1, 0),
};

/** A copy with one little-endian u16/u8/u32 field overwritten. */
function patched(bytes: Uint8Array, offset: number, value: number, size: 1 | 2 | 4): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (size === 1) view.setUint8(offset, value);
  else if (size === 2) view.setUint16(offset, value, true);
  else view.setUint32(offset, value, true);
  return copy;
}

describe("shard codec", () => {
  it("decodes what it encodes, for any valid shard", () => {
    fc.assert(
      fc.property(validShard, (shard) => {
        const bytes = encodeShard(shard);
        expect(bytes.length).toBe(encodedShardBytes(shard.lengths.length, shard.seqLen, shard.labels !== undefined));
        expect(decodeShard(bytes)).toEqual({ ok: true, value: shard });
      }),
    );
  });

  it("lays out header, lengths, tokens and labels as documented", () => {
    const bytes = encodeShard(example);
    expect(Array.from(bytes.subarray(0, SHARD_HEADER_BYTES))).toEqual([
      0x41, 0x4c, 0x53, 0x44, 1, 0, 1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 44, 1, 0, 0,
    ]);
    expect(Array.from(bytes.subarray(SHARD_HEADER_BYTES))).toEqual([
      2, 0, 1, 0, 5, 0, 43, 1, 0, 0, 7, 0, 0, 0, 0, 0, 1, 0,
    ]);
  });

  it("decodes from an unaligned view into a larger buffer", () => {
    const bytes = encodeShard(example);
    const host = new Uint8Array(bytes.length + 3);
    host.set(bytes, 1);
    expect(decodeShard(host.subarray(1, 1 + bytes.length))).toEqual({ ok: true, value: example });
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(typeof decodeShard(bytes).ok).toBe("boolean");
      }),
    );
  });

  it("never throws on damaged shards, and whatever it accepts is a valid shard", () => {
    const damaged = fc.tuple(validShard, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(damaged, ([shard, position, value, resize]) => {
        const bytes = encodeShard(shard);
        const copy = new Uint8Array(Math.max(0, bytes.length + resize));
        copy.set(bytes.subarray(0, copy.length));
        if (copy.length > 0) copy[position % copy.length] = value;
        const decoded = decodeShard(copy);
        if (decoded.ok) expect(checkShard(decoded.value).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["a wrong magic", patched(encodeShard(example), 0, 0x42, 1)],
    ["another version", patched(encodeShard(example), 4, 2, 1)],
    ["an unknown task", patched(encodeShard(example), 5, 2, 1)],
    ["an unknown flag", patched(encodeShard(example), 6, 3, 1)],
    ["labels on the language-modelling task", patched(encodeShard(example), 5, 1, 1)],
    ["a row count the bytes do not hold", patched(encodeShard(example), 8, 3, 4)],
    ["a huge row count", patched(encodeShard(example), 8, 0xffffffff, 4)],
    ["a length above seqLen", patched(encodeShard(example), 20, 4, 2)],
    ["a zero length", patched(encodeShard(example), 22, 0, 2)],
    ["an id at vocabSize", patched(encodeShard(example), 26, 300, 2)],
    ["padding inside a row", patched(encodeShard(example), 24, 0, 2)],
    ["a token after the row's end", patched(encodeShard(example), 28, 9, 2)],
    ["a label of a class that does not exist", patched(encodeShard(example), 36, 2, 1)],
    ["a truncated body", encodeShard(example).subarray(0, 30)],
    ["a truncated header", encodeShard(example).subarray(0, 10)],
    ["trailing bytes", Uint8Array.of(...encodeShard(example), 0)],
  ])("rejects %s", (_, bytes) => {
    const decoded = decodeShard(bytes);
    expect(decoded.ok).toBe(false);
  });

  it("refuses to encode a shard that breaks an invariant", () => {
    expect(() => encodeShard({ ...example, lengths: Uint16Array.of(2, 4) })).toThrow(RangeError);
  });
});
