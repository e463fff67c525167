import { describe, expect, it } from "vitest";
import type { UploadChunkMeta } from "@airlora/protocol";
import { acceptChunk, isComplete, type UploadInProgress } from "./upload-assembler";

const limits = { chunkBytes: 4, maxTotalBytes: 10 };
const meta = (offset: number, totalBytes = 10, round = 1): UploadChunkMeta => ({
  purpose: "update",
  round,
  offset,
  totalBytes,
});

function feed(chunks: readonly [UploadChunkMeta, number[]][]) {
  let upload: UploadInProgress | undefined;
  for (const [m, bytes] of chunks) {
    const next = acceptChunk(upload, m, Uint8Array.from(bytes), limits, 0);
    if (!next.ok) return next;
    upload = next.value;
  }
  return { ok: true as const, value: upload };
}

describe("upload reassembly", () => {
  it("puts in-order chunks together into exactly the declared bytes", () => {
    const result = feed([
      [meta(0), [1, 2, 3, 4]],
      [meta(4), [5, 6, 7, 8]],
      [meta(8), [9, 10]],
    ]);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value === undefined) return;
    expect(isComplete(result.value)).toBe(true);
    expect([...result.value.buffer]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it.each([
    ["a chunk larger than chunkBytes", [[meta(0), [1, 2, 3, 4, 5]]], "bad-chunk"],
    ["an upload declared over the limit", [[meta(0, 11), [1]]], "over-budget"],
    ["a first chunk not at offset 0", [[meta(4), [1]]], "out-of-order"],
    [
      "a gap",
      [
        [meta(0), [1, 2]],
        [meta(3), [4]],
      ],
      "out-of-order",
    ],
    [
      "a repeated chunk",
      [
        [meta(0), [1, 2]],
        [meta(0), [1, 2]],
      ],
      "out-of-order",
    ],
    [
      "a changed total",
      [
        [meta(0), [1, 2]],
        [meta(2, 9), [3]],
      ],
      "out-of-order",
    ],
    [
      "bytes past the declared end",
      [
        [meta(0, 3), [1, 2]],
        [meta(2, 3), [3, 4]],
      ],
      "bad-chunk",
    ],
    ["an empty chunk", [[meta(0), []]], "bad-chunk"],
  ] as const)("refuses %s", (_name, chunks, code) => {
    const result = feed(chunks.map(([m, b]) => [m, [...b]] as [UploadChunkMeta, number[]]));
    expect(!result.ok && result.error.code).toBe(code);
  });

  it("starts over when a new round's upload begins", () => {
    const first = acceptChunk(undefined, meta(0, 10, 1), Uint8Array.from([1]), limits, 0);
    if (!first.ok) throw new Error(first.error.reason);
    const next = acceptChunk(first.value, meta(0, 2, 2), Uint8Array.from([7, 8]), limits, 5);
    expect(next.ok && next.value.round === 2 && isComplete(next.value)).toBe(true);
  });

  it("copies what it keeps, so a reused receive buffer cannot change it", () => {
    const bytes = Uint8Array.from([1, 2]);
    const result = acceptChunk(undefined, meta(0, 2), bytes, limits, 0);
    bytes[0] = 99;
    expect(result.ok && result.value.buffer[0]).toBe(1);
  });
});
