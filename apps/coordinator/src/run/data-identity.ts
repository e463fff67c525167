// Whether data prepared now is the data a run started with (docs/interfaces.md section 4): the manifest keeps the base
// model's sha256 and each shard's ETag, and the preparation is a pure function of the settings, so equal hashes mean
// the same split. A resumed run and the report's one reading of the test split both check it.
import { fail, ok, type Result } from "@airlora/core";

/** The ETag a run file is served under, and a shard recorded under in the manifest. */
export const etagOf = (sha256: string): string => `"${sha256.slice(0, 32)}"`;

export function sameData(
  manifest: Record<string, unknown>,
  weightsHash: string,
  shardEtags: readonly string[],
  failure: { readonly code: string; readonly hint: string },
): Result<void> {
  const stored = manifest as { model?: { sha256?: unknown }; data?: { shards?: { sha256?: unknown }[] } };
  const bad = (what: string) =>
    fail({ code: failure.code, reason: `${what} differs from the one the run started with; ${failure.hint}` });
  if (stored.model?.sha256 !== weightsHash) return bad("the base model");
  const hashes = (stored.data?.shards ?? []).map((s) => s.sha256);
  if (hashes.length !== shardEtags.length || hashes.some((h, i) => h !== shardEtags[i])) return bad("the data split");
  return ok(undefined);
}
