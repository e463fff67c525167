// Small file helpers for scripts: atomic writes (temp file + rename, so a crash never leaves half a file) and
// content hashes for model cards.
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${String(process.pid)}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
