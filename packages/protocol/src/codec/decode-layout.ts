// Second step of decoding (docs/protocol.md): walk the body without allocating anything proportional to it,
// checking every declared count, rank bitmask and topk index against the spec, and that the buffer ends exactly
// where the layout does. Only then does decode-update.ts allocate the values.
import { denseSize, ok, type AdapterSpec, type Result } from "@airlora/core";
import { codecFail, moduleLabel, type CodecError } from "./codec-error";
import type { UpdateHeader } from "./decode-header";
import { UPDATE_HEADER_BYTES, INDEX_BYTES, TOPK_COUNTS_BYTES, bytesPerValue, maskBytes } from "./wire-format";

/** Per module: the kept ranks (soft), or the dA and dB entry counts (topk); empty for dense and b-only. */
export interface ModuleLayout {
  readonly ranks: readonly number[];
  readonly aCount: number;
  readonly bCount: number;
}

const FIXED: ModuleLayout = { ranks: [], aCount: 0, bCount: 0 };

/** Strictly increasing u32 indices, each < size, at offset. */
function checkIndices(
  view: DataView,
  offset: number,
  count: number,
  size: number,
  where: string,
): CodecError | undefined {
  let previous = -1;
  for (let position = 0; position < count; position += 1) {
    const i = view.getUint32(offset + INDEX_BYTES * position, true);
    if (i >= size) return { code: "bad-index", reason: `${where} index ${i} (position ${position}) >= ${size}` };
    if (i <= previous) {
      return {
        code: "bad-index",
        reason: `${where} indices not strictly increasing at position ${position} (${i} after ${previous})`,
      };
    }
    previous = i;
  }
  return undefined;
}

export function planLayout(
  spec: AdapterSpec,
  view: DataView,
  header: UpdateHeader,
): Result<readonly ModuleLayout[], CodecError> {
  const valueBytes = bytesPerValue(header.precision);
  const length = view.byteLength;
  let offset = UPDATE_HEADER_BYTES;
  const truncated = (bytes: number, where: string): CodecError | undefined =>
    bytes <= length - offset
      ? undefined
      : {
          code: "truncated",
          reason: `${where} needs ${bytes} bytes at offset ${offset}, ${length - offset} left`,
        };

  const layouts: ModuleLayout[] = [];
  for (const [m, { d, k, rank: r }] of spec.modules.entries()) {
    const label = moduleLabel(spec, m);
    let layout = FIXED;
    let size = 0;
    let error: CodecError | undefined;
    switch (header.kind) {
      case "dense":
        size = (r * k + d * r) * valueBytes;
        error = truncated(size, `${label}: A' and B'`);
        break;
      case "b-only":
        size = d * r * valueBytes;
        error = truncated(size, `${label}: B'`);
        break;
      case "soft": {
        const mask = maskBytes(r);
        error = truncated(mask, `${label}: rank bitmask`);
        if (error !== undefined) break;
        const ranks: number[] = [];
        for (let i = 0; i < 8 * mask; i += 1) {
          if (((view.getUint8(offset + (i >> 3)) >> (i & 7)) & 1) === 0) continue;
          if (i >= r) return codecFail("bad-rank", `${label}: rank bitmask sets rank index ${i} >= r=${r}`);
          ranks.push(i);
        }
        layout = { ranks, aCount: ranks.length, bCount: ranks.length };
        size = mask + ranks.length * (d + k) * valueBytes;
        error = truncated(size, `${label}: bitmask and ${ranks.length} kept components`);
        break;
      }
      case "topk": {
        error = truncated(TOPK_COUNTS_BYTES, `${label}: topk counts`);
        if (error !== undefined) break;
        const aCount = view.getUint32(offset, true);
        const bCount = view.getUint32(offset + 4, true);
        if (aCount > r * k) return codecFail("bad-count", `${label}: ${aCount} dA entries > r*k = ${r * k}`);
        if (bCount > d * r) return codecFail("bad-count", `${label}: ${bCount} dB entries > d*r = ${d * r}`);
        layout = { ranks: [], aCount, bCount };
        size = TOPK_COUNTS_BYTES + (aCount + bCount) * (INDEX_BYTES + valueBytes);
        error =
          truncated(size, `${label}: ${aCount} dA and ${bCount} dB entries`) ??
          checkIndices(view, offset + TOPK_COUNTS_BYTES, aCount, r * k, `${label}: dA`) ??
          checkIndices(view, offset + TOPK_COUNTS_BYTES + INDEX_BYTES * aCount, bCount, d * r, `${label}: dB`);
        break;
      }
    }
    if (error !== undefined) return { ok: false, error };
    layouts.push(layout);
    offset += size;
  }
  const denseBytes = spec.dense.reduce((sum, tensor) => sum + denseSize(tensor), 0) * valueBytes;
  const error = truncated(denseBytes, "the dense tensors");
  if (error !== undefined) return { ok: false, error };
  offset += denseBytes;
  if (offset !== length) {
    return codecFail(
      "trailing-bytes",
      `${length - offset} byte${length - offset === 1 ? "" : "s"} after the last dense tensor (the layout ends at ${offset})`,
    );
  }
  return ok(layouts);
}
