import { resolve } from "node:path";
import { defineConfig } from "vite";

const web = resolve(import.meta.dirname, "apps/web");

// Cross-origin isolation lets the wasm backend use threads (PLATFORM.md); the coordinator sends the same headers.
const isolation = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  root: web,
  // JSX compiles for Preact (tsconfig: jsxImportSource preact).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: resolve(web, "dist"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      input: {
        join: resolve(web, "index.html"),
        dashboard: resolve(web, "dashboard.html"),
        lab: resolve(web, "lab.html"),
      },
    },
  },
  worker: { format: "es" },
  server: { headers: isolation, proxy: { "/socket.io": { target: "ws://127.0.0.1:8080", ws: true } } },
  preview: { headers: isolation },
});
