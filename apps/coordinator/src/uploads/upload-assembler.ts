// Reassembles a participant's chunked upload (docs/protocol.md): chunks arrive in order, each at most chunkBytes,
// each starting where the last ended, none past the declared size, which may not exceed the limit. Pure: the state
// of one upload in, the next state or a refusal out.
import { fail, ok, type Result } from "@airlora/core";
import type { UploadChunkMeta } from "@airlora/protocol";

export interface UploadInProgress {
  readonly purpose: UploadChunkMeta["purpose"];
  readonly round: number;
  readonly totalBytes: number;
  /** Filled up to `received`. */
  readonly buffer: Uint8Array;
  readonly received: number;
  readonly firstChunkAt: number;
  readonly lastChunkAt: number;
}

export interface ChunkLimits {
  readonly chunkBytes: number;
  /** The largest upload this one may be. */
  readonly maxTotalBytes: number;
}

export type ChunkRefusal = { readonly code: string; readonly reason: string };

export function acceptChunk(
  current: UploadInProgress | undefined,
  meta: UploadChunkMeta,
  data: Uint8Array,
  limits: ChunkLimits,
  now: number,
): Result<UploadInProgress, ChunkRefusal> {
  if (data.length === 0 || data.length > limits.chunkBytes) {
    return fail({ code: "bad-chunk", reason: `a chunk holds 1..${limits.chunkBytes} bytes, this one ${data.length}` });
  }
  if (meta.totalBytes > limits.maxTotalBytes) {
    return fail({
      code: "over-budget",
      reason: `an upload of ${meta.totalBytes} bytes; at most ${limits.maxTotalBytes} are allowed`,
    });
  }
  const continues = current !== undefined && current.purpose === meta.purpose && current.round === meta.round;
  if (!continues && meta.offset !== 0) {
    return fail({ code: "out-of-order", reason: `the first chunk must start at offset 0, not ${meta.offset}` });
  }
  const base: UploadInProgress = continues
    ? current
    : {
        purpose: meta.purpose,
        round: meta.round,
        totalBytes: meta.totalBytes,
        buffer: new Uint8Array(meta.totalBytes),
        received: 0,
        firstChunkAt: now,
        lastChunkAt: now,
      };
  if (meta.totalBytes !== base.totalBytes) {
    return fail({ code: "out-of-order", reason: `totalBytes changed from ${base.totalBytes} to ${meta.totalBytes}` });
  }
  if (meta.offset !== base.received) {
    return fail({ code: "out-of-order", reason: `chunk at offset ${meta.offset}, expected ${base.received}` });
  }
  if (meta.offset + data.length > base.totalBytes) {
    return fail({ code: "bad-chunk", reason: `the chunk ends past the declared ${base.totalBytes} bytes` });
  }
  // Copy: a Node Buffer may share (and unaligned-view) socket.io's receive buffer.
  base.buffer.set(data, meta.offset);
  return ok({ ...base, received: base.received + data.length, lastChunkAt: now });
}

export function isComplete(upload: UploadInProgress): boolean {
  return upload.received === upload.totalBytes;
}
