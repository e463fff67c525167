import { resolve } from "node:path";
import { defineConfig } from "vite";
import { ISOLATION_HEADERS as isolation } from "./apps/coordinator/src/http/isolation-headers";
import { precompress } from "./scripts/build/precompress";

const web = resolve(import.meta.dirname, "apps/web");

export default defineConfig({
  root: web,
  // JSX compiles for Preact (tsconfig: jsxImportSource preact).
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [precompress(resolve(web, "dist"))],
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
