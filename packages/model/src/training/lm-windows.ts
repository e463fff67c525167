// Fixed-length windows over a token stream for language-model training and evaluation.
import type { Rng } from "@airlora/core";

/** `batch` random windows of `span` tokens (span = T + 1: inputs and shifted targets), as int32 rows. */
export function randomWindows(stream: Int32Array, span: number, batch: number, rng: Rng): Int32Array {
  if (stream.length < span)
    throw new Error(`a stream of ${String(stream.length)} tokens has no window of ${String(span)}`);
  const out = new Int32Array(batch * span);
  for (let i = 0; i < batch; i += 1) {
    const start = rng.int(stream.length - span + 1);
    out.set(stream.subarray(start, start + span), i * span);
  }
  return out;
}

/** Up to `limit` non-overlapping windows from the start of the stream (a fixed evaluation set). */
export function consecutiveWindows(stream: Int32Array, span: number, limit: number): Int32Array {
  const count = Math.min(limit, Math.floor(stream.length / span));
  return stream.slice(0, count * span);
}
