// An upload in acknowledged chunks of at most `chunkBytes` (docs/protocol.md): every chunk waits for its
// acknowledgement before the next leaves, and the pacer spaces them at the assigned rate.
import { fail, ok, type Result } from "@airlora/core";
import { ChunkAck, parseMessage, type UploadChunkMeta } from "@airlora/protocol";
import type { Clock } from "./clock";
import { createPacer } from "./token-bucket";
import type { ParticipantTransport } from "./transport";

export interface UploadOptions {
  readonly purpose: UploadChunkMeta["purpose"];
  readonly round: number;
  readonly chunkBytes: number;
  readonly paceBps: number;
  readonly ackTimeoutMs: number;
  readonly onProgress?: (sentBytes: number, totalBytes: number) => void;
  readonly signal?: { readonly aborted: boolean };
}

export interface UploadTiming {
  /** First chunk sent to last acknowledgement. */
  readonly uploadMs: number;
}

export async function uploadInChunks(
  transport: ParticipantTransport,
  clock: Clock,
  bytes: Uint8Array,
  options: UploadOptions,
): Promise<Result<UploadTiming>> {
  if (bytes.length === 0) return fail({ code: "empty-upload", reason: "nothing to upload" });
  const pacer = createPacer(clock, options.paceBps);
  let started: number | undefined;
  for (let offset = 0; offset < bytes.length; offset += options.chunkBytes) {
    if (options.signal?.aborted === true) return fail({ code: "aborted", reason: "the upload was abandoned" });
    const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + options.chunkBytes));
    await pacer.take(chunk.length);
    started ??= clock.now();
    const meta: UploadChunkMeta = {
      purpose: options.purpose,
      round: options.round,
      offset,
      totalBytes: bytes.length,
    };
    const sent = await transport.sendChunk(meta, chunk, options.ackTimeoutMs);
    if (!sent.ok) return sent;
    const ack = parseMessage(ChunkAck, sent.value);
    if (!ack.ok) return fail({ code: "bad-ack", reason: `the coordinator's acknowledgement: ${ack.error.reason}` });
    if (!ack.value.ok) return fail({ code: ack.value.code, reason: ack.value.reason });
    options.onProgress?.(offset + chunk.length, bytes.length);
  }
  return ok({ uploadMs: clock.now() - (started ?? clock.now()) });
}
