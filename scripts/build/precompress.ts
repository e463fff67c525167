// A Vite build step: next to every built page, script, stylesheet and wasm binary, a brotli (.br) and a gzip (.gz)
// copy, so the coordinator (sirv, apps/coordinator/src/http/pages.ts) sends the smaller one a browser accepts without
// compressing anything per request. Files that do not shrink by at least 5% are left alone.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|json|svg|txt)$/u;

export function precompress(outDir: string): Plugin {
  return {
    name: "airlora-precompress",
    apply: "build",
    closeBundle() {
      for (const path of files(outDir)) {
        const raw = readFileSync(path);
        if (raw.length < 1024) continue;
        const brotli = brotliCompressSync(raw, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        });
        const gzip = gzipSync(raw, { level: 9 });
        if (brotli.length < 0.95 * raw.length) writeFileSync(`${path}.br`, brotli);
        if (gzip.length < 0.95 * raw.length) writeFileSync(`${path}.gz`, gzip);
      }
    },
  };
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return COMPRESSIBLE.test(name) ? [path] : [];
  });
}
