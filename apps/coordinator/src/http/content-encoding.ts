// Compressed bodies for the run's downloads (docs/protocol.md section 5): a shard of token ids shrinks to a fraction,
// fp32 weights hardly at all. Each resource is compressed once, on its first request, and only served compressed
// when that saves at least 5%; the ETag names the encoding, so caches keep the variants apart.
import type { IncomingMessage } from "node:http";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Resource } from "../run/prepare-run";

export type Encoding = "br" | "gzip" | "identity";

export interface EncodedBody {
  readonly body: Uint8Array;
  readonly encoding: Encoding;
  readonly etag: string;
}

const cache = new WeakMap<Resource, Partial<Record<"br" | "gzip", Uint8Array | null>>>();

/** The smallest body the request accepts: brotli, then gzip, then the bytes as they are. */
export function encodedBody(req: IncomingMessage, resource: Resource): EncodedBody {
  const accepted = acceptedEncodings(req.headers["accept-encoding"]);
  for (const encoding of ["br", "gzip"] as const) {
    if (!accepted.has(encoding)) continue;
    const body = compressed(resource, encoding);
    if (body !== null) return { body, encoding, etag: resource.etag.replace(/"$/u, `-${encoding}"`) };
  }
  return { body: resource.bytes, encoding: "identity", etag: resource.etag };
}

function compressed(resource: Resource, encoding: "br" | "gzip"): Uint8Array | null {
  const entry = cache.get(resource) ?? {};
  let body = entry[encoding];
  if (body === undefined) {
    const raw = resource.bytes;
    const packed =
      encoding === "br"
        ? brotliCompressSync(raw, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
          })
        : gzipSync(raw, { level: 6 });
    body = packed.length < 0.95 * raw.length ? new Uint8Array(packed) : null;
    cache.set(resource, { ...entry, [encoding]: body });
  }
  return body;
}

/** Encodings an Accept-Encoding header allows (q=0 refuses one). */
function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  for (const part of (header ?? "").split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/u.exec(p)?.[1]).find((v) => v !== undefined);
    if (name !== "" && (q === undefined || Number(q) > 0)) accepted.add(name);
  }
  return accepted;
}
