// The update codec's fixed layout (docs/protocol.md; byte table in packages/protocol/README.md): magic,
// format version, the codes for kind and precision, and the sizes everything else is derived from.
import type { Precision, UpdateKind } from "@airlora/core";

/** "ALRU": AirLoRA update. */
export const UPDATE_MAGIC = [0x41, 0x4c, 0x52, 0x55] as const;
/** Bumped on any change to the byte layout; a decoder refuses every other version. */
export const UPDATE_CODEC_VERSION = 2;
/** magic 4, version 1, kind 1, precision 1, reserved 1, round 4, module count 4, dense count 4, fingerprint 4. */
export const UPDATE_HEADER_BYTES = 24;
/** A topk module starts with a flags byte (TOPK_A_BITMASK, TOPK_B_BITMASK) and two u32 counts (dA, dB entries). */
export const TOPK_MODULE_FIXED_BYTES = 9;
/** Topk flags: dA's positions are a bitmask (else gaps). */
export const TOPK_A_BITMASK = 1;
/** Topk flags: dB's positions are a bitmask (else gaps). */
export const TOPK_B_BITMASK = 2;
/** A decoded topk position is a u32 (Uint32Array), whatever its size on the wire. */
export const DECODED_INDEX_BYTES = 4;

const KIND_CODES = { dense: 1, soft: 2, "b-only": 3, topk: 4 } as const satisfies Record<UpdateKind, number>;
const KINDS_BY_CODE: readonly (UpdateKind | undefined)[] = [undefined, "dense", "soft", "b-only", "topk"];

export function kindCode(kind: UpdateKind): number {
  return KIND_CODES[kind];
}

export function kindOfCode(code: number): UpdateKind | undefined {
  return KINDS_BY_CODE[code];
}

/** Bytes per value on the wire; also the precision's code in the header. */
export function bytesPerValue(precision: Precision): 2 | 4 {
  return precision === "fp16" ? 2 : 4;
}

export function precisionOfCode(code: number): Precision | undefined {
  return code === 2 ? "fp16" : code === 4 ? "fp32" : undefined;
}

/** The soft rank bitmask: bit i (byte i >> 3, bit i & 7, least significant first) set when rank i is kept. */
export function maskBytes(rank: number): number {
  return Math.ceil(rank / 8);
}
