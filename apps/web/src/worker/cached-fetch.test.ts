import { describe, expect, it } from "vitest";
import type { FetchLike } from "@airlora/participant";
import { cachedFetch, contentHashOf, subtleSha256Hex, type CacheLike, type Download } from "./cached-fetch";

const ORIGIN = "http://127.0.0.1:8080";

function memoryCache(): CacheLike & { readonly entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    match: (key) => {
      const bytes = entries.get(key);
      return Promise.resolve(
        bytes === undefined ? undefined : { arrayBuffer: () => Promise.resolve(bytes.slice().buffer) },
      );
    },
    put: async (key, response) => {
      entries.set(key, new Uint8Array(await response.arrayBuffer()));
    },
    delete: (key) => Promise.resolve(entries.delete(key)),
  };
}

/** A coordinator serving `files`, counting the requests that reached it. */
function server(files: Record<string, Uint8Array>) {
  const requests: string[] = [];
  const fetch: FetchLike = (url) => {
    const path = new URL(url).pathname;
    requests.push(path);
    const bytes = files[path];
    return Promise.resolve({
      ok: bytes !== undefined,
      status: bytes === undefined ? 404 : 200,
      arrayBuffer: () => Promise.resolve((bytes ?? new Uint8Array()).slice().buffer),
      text: () => Promise.resolve(bytes === undefined ? "not found" : ""),
    });
  };
  return { fetch, requests };
}

async function pathFor(bytes: Uint8Array, kind: "model" | "shard"): Promise<string> {
  const hash = (await subtleSha256Hex(bytes)).slice(0, 16);
  return kind === "model" ? `/api/run/model/${hash}/model.safetensors` : `/api/run/shards/1-${hash}.bin`;
}

const init = { headers: { authorization: "Bearer t" } };

describe("participant download cache", () => {
  it("recognises the content-addressed model and shard paths and nothing else", () => {
    expect(contentHashOf("/api/run/model/0123456789abcdef/model.safetensors")).toBe("0123456789abcdef");
    expect(contentHashOf("/api/run/model/0123456789abcdef/pooling-centre.safetensors")).toBe("0123456789abcdef");
    expect(contentHashOf("/api/run/shards/3-0123456789abcdef.bin")).toBe("0123456789abcdef");
    expect(contentHashOf("/api/run/rounds/2/global.bin")).toBeUndefined();
    expect(contentHashOf("/api/run/model/0123456789abcdef/../../admin")).toBeUndefined();
  });

  it("downloads model and shard once; a second session reads both from the cache, the global every time", async () => {
    const model = new Uint8Array([1, 2, 3, 4]);
    const shard = new Uint8Array([9, 8, 7]);
    const [modelPath, shardPath] = [await pathFor(model, "model"), await pathFor(shard, "shard")];
    const globalPath = "/api/run/rounds/1/global.bin";
    const coordinator = server({ [modelPath]: model, [shardPath]: shard, [globalPath]: new Uint8Array([5]) });
    const cache = memoryCache();
    const downloads: Download[] = [];
    const session = () => cachedFetch(coordinator.fetch, cache, subtleSha256Hex, (d) => downloads.push(d));

    for (const fetch of [session(), session()]) {
      for (const path of [modelPath, shardPath, globalPath]) {
        const response = await fetch(`${ORIGIN}${path}`, init);
        expect(response.ok).toBe(true);
        expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
      }
    }
    expect(coordinator.requests).toEqual([modelPath, shardPath, globalPath, globalPath]);
    expect(downloads.map((d) => [d.path, d.fromCache])).toEqual([
      [modelPath, false],
      [shardPath, false],
      [globalPath, false],
      [modelPath, true],
      [shardPath, true],
      [globalPath, false],
    ]);
    expect([...cache.entries.keys()]).toEqual([`${ORIGIN}${modelPath}`, `${ORIGIN}${shardPath}`]);
  });

  it("never stores bytes that do not match their path, and drops a damaged entry and downloads again", async () => {
    const model = new Uint8Array([1, 2, 3, 4]);
    const modelPath = await pathFor(model, "model");
    const wrong = server({ [modelPath]: new Uint8Array([6, 6, 6]) });
    const cache = memoryCache();
    await cachedFetch(wrong.fetch, cache, subtleSha256Hex, () => undefined)(`${ORIGIN}${modelPath}`, init);
    expect(cache.entries.size).toBe(0);

    cache.entries.set(`${ORIGIN}${modelPath}`, new Uint8Array([0]));
    const right = server({ [modelPath]: model });
    const response = await cachedFetch(
      right.fetch,
      cache,
      subtleSha256Hex,
      () => undefined,
    )(`${ORIGIN}${modelPath}`, init);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(model);
    expect(right.requests).toEqual([modelPath]);
    expect(cache.entries.get(`${ORIGIN}${modelPath}`)).toEqual(model);
  });

  it("passes a refusal through untouched and caches nothing", async () => {
    const cache = memoryCache();
    const missing = "/api/run/shards/0-0123456789abcdef.bin";
    const response = await cachedFetch(
      server({}).fetch,
      cache,
      subtleSha256Hex,
      () => undefined,
    )(`${ORIGIN}${missing}`, init);
    expect(response.status).toBe(404);
    expect(cache.entries.size).toBe(0);
  });
});
