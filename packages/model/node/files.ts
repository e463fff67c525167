// Small file helpers: atomic writes (temp file, fsync, rename, so a crash never leaves half a file, not even one the
// disk had not written yet) and content hashes for model cards.
import { createHash } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";

export interface AtomicWriteOptions {
  /** File permissions of the new file (secrets: 0o600). */
  readonly mode?: number;
  /** Runs after the data is on disk and before the rename: where a test injects a crash. */
  readonly beforeRename?: () => void;
}

export function writeFileAtomic(path: string, data: Uint8Array | string, options: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = `${path}.tmp-${String(process.pid)}`;
  const fd = openSync(temp, "w", options.mode ?? 0o644);
  try {
    writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  options.beforeRename?.();
  renameSync(temp, path);
  // The rename itself is durable only once the directory entry is on disk.
  const dirFd = openSync(dir, "r");
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
