// Cross-origin isolation (docs/platform.md section 3.5): lets the wasm backend use threads where a page may. The
// coordinator serves the pages with these headers and the Vite dev server (vite.config.ts) sends the same ones.
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
} as const;
