// Duplicates out of the spam corpus before any split (docs/model-and-data.md section 4.1): SpamAssassin holds the
// same email several times and spam campaigns that differ only after their opening lines. A copy on each side of
// the train/test split would reward memorising, so every group of duplicates keeps one email, its first in corpus
// order. Two emails are duplicates when their texts are equal after normalising (lowercase, whitespace runs as one
// space), or when their bodies share the first NEAR_PREFIX_CHARS normalised characters (bodies shorter than
// NEAR_MIN_CHARS are compared whole only: an empty body says nothing); duplicates of duplicates join the group. A
// group whose emails carry both labels is dropped whole: which label is right cannot be told.

/** Characters of normalised body two emails must share to count as near duplicates. */
export const NEAR_PREFIX_CHARS = 200;
/** Bodies shorter than this (normalised) never make a near duplicate. */
export const NEAR_MIN_CHARS = 40;

export interface DedupableEmail {
  /** Subject, a blank line, then the cleaned body (email-text.ts). */
  readonly text: string;
  readonly label: number;
}

export interface Deduplication {
  /** Indices of the emails kept, ascending. */
  readonly kept: number[];
  /** Emails dropped as an exact copy of the one kept. */
  readonly exact: number;
  /** Emails dropped as a near copy (same opening body). */
  readonly near: number;
  /** Emails dropped because their group carried both labels. */
  readonly conflicting: number;
}

const normalise = (text: string): string => text.toLowerCase().replace(/\s+/gu, " ").trim();

function bodyOf(text: string): string {
  const blank = text.indexOf("\n\n");
  return blank < 0 ? "" : text.slice(blank + 2);
}

export function dedupeEmails(emails: readonly DedupableEmail[]): Deduplication {
  const parent = emails.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    for (let at = i; parent[at] !== root;) {
      const next = parent[at] ?? root;
      parent[at] = root;
      at = next;
    }
    return root;
  };
  const union = (a: number, b: number): void => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb); // the earliest email is the root
  };
  const firstWithKey = new Map<string, number>();
  const exactKeys = emails.map((email, i) => {
    const exact = `=${normalise(email.text)}`;
    const body = normalise(bodyOf(email.text));
    for (const key of body.length >= NEAR_MIN_CHARS ? [exact, `~${body.slice(0, NEAR_PREFIX_CHARS)}`] : [exact]) {
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, i);
      else union(first, i);
    }
    return exact;
  });
  const groups = new Map<number, number[]>();
  emails.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const kept: number[] = [];
  let exact = 0;
  let near = 0;
  let conflicting = 0;
  for (const [root, members] of groups) {
    if (new Set(members.map((i) => emails[i]?.label)).size > 1) {
      conflicting += members.length;
      continue;
    }
    kept.push(root);
    for (const i of members) {
      if (i === root) continue;
      if (exactKeys[i] === exactKeys[root]) exact += 1;
      else near += 1;
    }
  }
  return { kept: kept.sort((a, b) => a - b), exact, near, conflicting };
}
