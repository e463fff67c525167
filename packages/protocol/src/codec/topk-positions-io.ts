// A topk factor's kept positions on the wire (docs/protocol.md; byte table in packages/protocol/README.md): a bitmask
// of the factor, or LEB128 gaps, whichever is smaller (core's update/topk-positions.ts decides; ties go to the
// bitmask). Reading checks everything a position list can get wrong and is canonical: only the smaller encoding, only
// minimal varints, so every accepted list re-encodes to the same bytes.
import { choosePositionEncoding, positionMaskBytes, varintBytes } from "@airlora/core";
import type { CodecError } from "./codec-error";

/** Writes strictly increasing `positions` (< size) from `offset`, as a bitmask or as gaps; returns the next offset. */
export function writePositions(
  bytes: Uint8Array,
  offset: number,
  positions: Uint32Array,
  size: number,
  bitmask: boolean,
): number {
  if (bitmask) {
    for (const p of positions) bytes[offset + (p >>> 3)] = (bytes[offset + (p >>> 3)] ?? 0) | (1 << (p & 7));
    return offset + positionMaskBytes(size);
  }
  let at = offset;
  let previous = -1;
  for (const p of positions) {
    let gap = p - previous - 1;
    previous = p;
    while (gap >= 0x80) {
      bytes[at] = (gap & 0x7f) | 0x80;
      gap >>>= 7;
      at += 1;
    }
    bytes[at] = gap;
    at += 1;
  }
  return at;
}

export interface PositionsRead {
  /** Where the positions end. */
  readonly end: number;
}

/**
 * Walks one factor's positions from `offset` (bitmask or gaps, as the module's flags say): exactly `count` of them,
 * strictly increasing (by construction), each < size, in the smaller encoding, the gaps as minimal varints, all
 * before `length`. Writes the positions into `out` when given (the layout pass gives none and allocates nothing).
 */
export function readPositions(
  bytes: Uint8Array,
  offset: number,
  length: number,
  count: number,
  size: number,
  bitmask: boolean,
  where: string,
  out?: Uint32Array,
): PositionsRead | CodecError {
  const maskBytes = positionMaskBytes(size);
  if (bitmask) {
    if (maskBytes > length - offset) {
      return {
        code: "truncated",
        reason: `${where} bitmask needs ${maskBytes} bytes at offset ${offset}, ${length - offset} left`,
      };
    }
    let seen = 0;
    let gapBytes = 0;
    let previous = -1;
    for (let i = 0; i < maskBytes; i += 1) {
      let byte = bytes[offset + i] ?? 0;
      while (byte !== 0) {
        const bit = 31 - Math.clz32(byte & -byte);
        byte &= byte - 1;
        const p = 8 * i + bit;
        if (p >= size) return { code: "bad-index", reason: `${where} bitmask sets position ${p} >= ${size}` };
        if (out !== undefined && seen < out.length) out[seen] = p;
        seen += 1;
        gapBytes += varintBytes(p - previous - 1);
        previous = p;
      }
    }
    if (seen !== count) {
      return { code: "bad-count", reason: `${where} bitmask sets ${seen} positions, the count says ${count}` };
    }
    if (choosePositionEncoding(size, gapBytes).bitmask) return { end: offset + maskBytes };
    return {
      code: "bad-positions",
      reason: `${where} positions sent as a ${maskBytes}-byte bitmask where a gap list takes ${gapBytes}: not the smaller encoding`,
    };
  }
  let at = offset;
  let previous = -1;
  for (let j = 0; j < count; j += 1) {
    let gap = 0;
    let scale = 1;
    for (let b = 0; ; b += 1) {
      if (at >= length) {
        return { code: "truncated", reason: `${where} gap ${j} of ${count} runs past the end at offset ${at}` };
      }
      const byte = bytes[at] ?? 0;
      at += 1;
      gap += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && b > 0) {
          return { code: "bad-positions", reason: `${where} gap ${j} is not a minimal varint (a last byte of 0)` };
        }
        break;
      }
      if (b === 4) return { code: "bad-positions", reason: `${where} gap ${j} is a varint longer than 5 bytes` };
      scale *= 128;
    }
    const p = previous + 1 + gap;
    if (p >= size) return { code: "bad-index", reason: `${where} position ${p} (gap ${j}) >= ${size}` };
    if (out !== undefined) out[j] = p;
    previous = p;
  }
  const gapBytes = at - offset;
  if (!choosePositionEncoding(size, gapBytes).bitmask) return { end: at };
  return {
    code: "bad-positions",
    reason: `${where} positions sent as a ${gapBytes}-byte gap list where the bitmask takes ${maskBytes}: not the smaller encoding`,
  };
}
