import { createRequire } from "node:module";

const manifest: unknown = createRequire(import.meta.url)("../package.json");

/** The coordinator's version, from its package.json. */
export const VERSION =
  typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string"
    ? manifest.version
    : "0.0.0";
