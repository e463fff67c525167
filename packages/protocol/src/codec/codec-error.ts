// Every way an update can be refused, as a code a program can branch on and a reason a person can act on.
import { fail, type AdapterSpec } from "@airlora/core";

export const CODEC_ERROR_CODES = [
  /** The spec itself is unusable (non-integer sizes, rank 0, too large to encode). */
  "bad-spec",
  /** Encoding: the round is not a u32. */
  "bad-round",
  /** Encoding: module or dense tensor counts or array lengths do not match the spec. */
  "bad-shape",
  /** Soft rank indices out of range or not strictly increasing; a rank bitmask bit set at or beyond r. */
  "bad-rank",
  /** Topk counts larger than the factor they index, or that disagree with the bitmask. */
  "bad-count",
  /** Topk indices out of range or not strictly increasing (encoding); a topk position at or beyond its factor. */
  "bad-index",
  /** Decoding: topk flags with unknown bits, positions not in the smaller encoding, a varint that is not minimal. */
  "bad-positions",
  /** A NaN or an Infinity among the values. */
  "not-finite",
  /** Encoding: a value beyond fp16's range (|v| >= 65520 rounds to Infinity); send fp32 instead. */
  "fp16-overflow",
  /** Decoding: the first four bytes are not "ALRU". */
  "bad-magic",
  /** Decoding: a format version this decoder does not read. */
  "bad-version",
  /** Decoding: an unknown update kind code. */
  "bad-kind",
  /** Decoding: an unknown precision code. */
  "bad-precision",
  /** Decoding: the reserved header byte is not zero. */
  "bad-header",
  /** Decoding: module count, dense tensor count or spec fingerprint differ from this spec (another model). */
  "spec-mismatch",
  /** Decoding: the update answers a round other than the expected one. */
  "wrong-round",
  /** Decoding: an update kind other than the expected one (the run's aggregation rule). */
  "wrong-kind",
  /** Decoding: a precision other than the expected one (the run's). */
  "wrong-precision",
  /** Decoding: longer than the expected maximum (the sender's byte budget). */
  "over-budget",
  /** Decoding: the buffer ends before the layout it declares. */
  "truncated",
  /** Decoding: bytes left over after the last dense tensor. */
  "trailing-bytes",
] as const;

export type CodecErrorCode = (typeof CODEC_ERROR_CODES)[number];

export interface CodecError {
  readonly code: CodecErrorCode;
  readonly reason: string;
}

export function codecFail(code: CodecErrorCode, reason: string): { ok: false; error: CodecError } {
  return fail({ code, reason });
}

/** "module 3 (h.1.attn.q)" */
export function moduleLabel(spec: AdapterSpec, m: number): string {
  return `module ${m} (${spec.modules[m]?.name ?? "?"})`;
}

/** "dense tensor 0 (head.w)" */
export function denseLabel(spec: AdapterSpec, t: number): string {
  return `dense tensor ${t} (${spec.dense[t]?.name ?? "?"})`;
}
