import { describe, expect, it } from "vitest";
import { fail, ok, type Result } from "@airlora/core";
import type { UploadChunkMeta } from "@airlora/protocol";
import { uploadInChunks } from "./chunked-upload";
import { createSimulatedClock } from "./simulated-clock";
import type { ParticipantTransport } from "./transport";

/** A receiving end in memory that acknowledges like the coordinator (or refuses at a given offset). */
function receiver(refuseAt?: number) {
  const chunks: { meta: UploadChunkMeta; bytes: Uint8Array }[] = [];
  const transport: ParticipantTransport = {
    listen: () => undefined,
    send: () => undefined,
    sendChunk: (meta, bytes): Promise<Result<unknown>> => {
      chunks.push({ meta, bytes: bytes.slice() });
      if (meta.offset === refuseAt) return Promise.resolve(ok({ ok: false, code: "over-budget", reason: "too big" }));
      return Promise.resolve(ok({ ok: true, receivedBytes: meta.offset + bytes.length }));
    },
    fetch: () => Promise.resolve(fail({ code: "no", reason: "no http here" })),
    close: () => undefined,
  };
  return { transport, chunks };
}

describe("chunked upload", () => {
  it("sends every byte once, in order, in chunks of at most chunkBytes, each starting where the last ended", async () => {
    const { transport, chunks } = receiver();
    const clock = createSimulatedClock();
    const bytes = Uint8Array.from({ length: 2500 }, (_, i) => i % 251);
    const upload = uploadInChunks(transport, clock, bytes, {
      purpose: "update",
      round: 3,
      chunkBytes: 1000,
      paceBps: 8000,
      ackTimeoutMs: 1000,
    });
    await clock.advance(10_000);
    const result = await upload;
    expect(result.ok).toBe(true);
    expect(chunks.map((c) => [c.meta.offset, c.bytes.length, c.meta.totalBytes, c.meta.round])).toEqual([
      [0, 1000, 2500, 3],
      [1000, 1000, 2500, 3],
      [2000, 500, 2500, 3],
    ]);
    const joined = new Uint8Array(2500);
    for (const c of chunks) joined.set(c.bytes, c.meta.offset);
    expect(joined).toEqual(bytes);
    // Paced at 1,000 bytes/s: the third chunk leaves 2 s after the first.
    if (result.ok) expect(result.value.uploadMs).toBe(2000);
  });

  it("stops at a refused chunk and reports the coordinator's reason", async () => {
    const { transport, chunks } = receiver(1000);
    const clock = createSimulatedClock();
    const upload = uploadInChunks(transport, clock, new Uint8Array(3000), {
      purpose: "update",
      round: 1,
      chunkBytes: 1000,
      paceBps: 1e9,
      ackTimeoutMs: 1000,
    });
    await clock.advance(1000);
    expect(await upload).toEqual({ ok: false, error: { code: "over-budget", reason: "too big" } });
    expect(chunks).toHaveLength(2);
  });

  it("refuses an acknowledgement that does not parse", async () => {
    const { transport } = receiver();
    const broken: ParticipantTransport = { ...transport, sendChunk: () => Promise.resolve(ok({ fine: "yes" })) };
    const result = await uploadInChunks(broken, createSimulatedClock(), new Uint8Array(10), {
      purpose: "probe",
      round: 0,
      chunkBytes: 1000,
      paceBps: 1e9,
      ackTimeoutMs: 1000,
    });
    expect(!result.ok && result.error.code).toBe("bad-ack");
  });
});
