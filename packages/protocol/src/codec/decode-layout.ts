// Second step of decoding (docs/protocol.md): walk the body without allocating anything proportional to it,
// checking every declared count, rank bitmask and topk position against the spec, and that the buffer ends exactly
// where the layout does. Only then does decode-update.ts allocate the values.
import { denseSize, ok, type AdapterSpec, type Result } from "@airlora/core";
import { codecFail, moduleLabel, type CodecError } from "./codec-error";
import type { UpdateHeader } from "./decode-header";
import { readPositions } from "./topk-positions-io";
import {
  TOPK_A_BITMASK,
  TOPK_B_BITMASK,
  TOPK_MODULE_FIXED_BYTES,
  UPDATE_HEADER_BYTES,
  bytesPerValue,
  maskBytes,
} from "./wire-format";

/** Per module: the kept ranks (soft), or the dA and dB entry counts and position encodings (topk); else empty. */
export interface ModuleLayout {
  readonly ranks: readonly number[];
  readonly aCount: number;
  readonly bCount: number;
  readonly aBitmask: boolean;
  readonly bBitmask: boolean;
}

const FIXED: ModuleLayout = { ranks: [], aCount: 0, bCount: 0, aBitmask: false, bBitmask: false };

export function planLayout(
  spec: AdapterSpec,
  view: DataView,
  header: UpdateHeader,
): Result<readonly ModuleLayout[], CodecError> {
  const valueBytes = bytesPerValue(header.precision);
  const length = view.byteLength;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
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
        layout = { ...FIXED, ranks, aCount: ranks.length, bCount: ranks.length };
        size = mask + ranks.length * (d + k) * valueBytes;
        error = truncated(size, `${label}: bitmask and ${ranks.length} kept components`);
        break;
      }
      case "topk": {
        error = truncated(TOPK_MODULE_FIXED_BYTES, `${label}: topk flags and counts`);
        if (error !== undefined) break;
        const flags = bytes[offset] ?? 0;
        if ((flags & ~(TOPK_A_BITMASK | TOPK_B_BITMASK)) !== 0) {
          return codecFail("bad-positions", `${label}: topk flags 0x${flags.toString(16)} set bits other than 0 and 1`);
        }
        const aCount = view.getUint32(offset + 1, true);
        const bCount = view.getUint32(offset + 5, true);
        if (aCount > r * k) return codecFail("bad-count", `${label}: ${aCount} dA entries > r*k = ${r * k}`);
        if (bCount > d * r) return codecFail("bad-count", `${label}: ${bCount} dB entries > d*r = ${d * r}`);
        layout = {
          ranks: [],
          aCount,
          bCount,
          aBitmask: (flags & TOPK_A_BITMASK) !== 0,
          bBitmask: (flags & TOPK_B_BITMASK) !== 0,
        };
        const start = offset + TOPK_MODULE_FIXED_BYTES;
        const a = readPositions(bytes, start, length, aCount, r * k, layout.aBitmask, `${label}: dA`);
        if (!("end" in a)) return { ok: false, error: a };
        const b = readPositions(bytes, a.end, length, bCount, d * r, layout.bBitmask, `${label}: dB`);
        if (!("end" in b)) return { ok: false, error: b };
        offset = b.end;
        size = (aCount + bCount) * valueBytes;
        error = truncated(size, `${label}: ${aCount} dA and ${bCount} dB values`);
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
