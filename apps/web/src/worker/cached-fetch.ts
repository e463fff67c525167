// The participant's downloads through a cache (docs/protocol.md section 5): the base model's files and the data
// shard have content-addressed paths (they carry the first 16 hex digits of their SHA-256), so a path names its
// bytes for good and a rejoin, a reload or the next run of the same model reads them from Cache Storage instead of
// the network. Bytes are checked against the path's hash when stored and when read back: a damaged entry is
// dropped and fetched again. Everything else (the round's global adapter) goes to the network as before.
import type { FetchLike } from "@airlora/participant";

/** The slice of the Cache Storage API used here (a fake in tests). */
export interface CacheLike {
  match(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
}

/** SHA-256 of bytes, lower-case hex (crypto.subtle in the worker). */
export type Sha256Hex = (bytes: Uint8Array) => Promise<string>;

export interface Download {
  readonly path: string;
  readonly bytes: number;
  readonly fromCache: boolean;
}

const CONTENT_ADDRESSED = /^\/api\/run\/(?:model\/([0-9a-f]{16})\/[a-z.-]+|shards\/\d+-([0-9a-f]{16})\.bin)$/u;

/** The hash prefix a content-addressed path carries, or undefined for any other path. */
export function contentHashOf(path: string): string | undefined {
  const match = CONTENT_ADDRESSED.exec(path);
  return match === null ? undefined : (match[1] ?? match[2]);
}

export function cachedFetch(
  fetch: FetchLike,
  cache: CacheLike | undefined,
  sha256Hex: Sha256Hex,
  onDownload: (download: Download) => void,
): FetchLike {
  return async (url, init) => {
    const path = new URL(url).pathname;
    const hash = contentHashOf(path);
    if (cache === undefined || hash === undefined) {
      const response = await fetch(url, init);
      return counted(response, path, onDownload);
    }
    const key = new URL(url).origin + path; // the token travels in a header, never in the key
    const hit = await readChecked(cache, key, hash, sha256Hex);
    if (hit !== undefined) {
      onDownload({ path, bytes: hit.length, fromCache: true });
      return bytesResponse(hit);
    }
    const response = await fetch(url, init);
    if (!response.ok) return response;
    const bytes = new Uint8Array(await response.arrayBuffer());
    onDownload({ path, bytes: bytes.length, fromCache: false });
    if ((await sha256Hex(bytes)).startsWith(hash)) {
      try {
        await cache.put(key, new Response(bytes));
      } catch {
        // Over quota or storage refused: this time's bytes still serve; the next join downloads again.
      }
    }
    return bytesResponse(bytes);
  };
}

async function readChecked(
  cache: CacheLike,
  key: string,
  hash: string,
  sha256Hex: Sha256Hex,
): Promise<Uint8Array | undefined> {
  try {
    const entry = await cache.match(key);
    if (entry === undefined) return undefined;
    const bytes = new Uint8Array(await entry.arrayBuffer());
    if ((await sha256Hex(bytes)).startsWith(hash)) return bytes;
    await cache.delete(key);
  } catch {
    // A cache that cannot be read is a cache miss.
  }
  return undefined;
}

async function counted(
  response: Awaited<ReturnType<FetchLike>>,
  path: string,
  onDownload: (download: Download) => void,
): Promise<Awaited<ReturnType<FetchLike>>> {
  if (!response.ok) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  onDownload({ path, bytes: bytes.length, fromCache: false });
  return bytesResponse(bytes);
}

function bytesResponse(bytes: Uint8Array): Awaited<ReturnType<FetchLike>> {
  return {
    ok: true,
    status: 200,
    arrayBuffer: () => Promise.resolve(bytes.slice().buffer),
    text: () => Promise.resolve(new TextDecoder().decode(bytes)),
  };
}

/** SHA-256 through Web Crypto (available where Cache Storage is: a secure context). */
export const subtleSha256Hex: Sha256Hex = async (bytes) => {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
};
