// GPT-2's merge rule, restricted: start from single bytes and keep merging the adjacent pair whose concatenation
// has the lowest rank `rankOf` gives (leftmost on ties), until no pair is known. With GPT-2's
// full table this rebuilds a GPT-2 token; with our small vocabulary it splits a GPT-2 token we lack into our
// tokens (single bytes at worst).

/** A byte string as a JS string of char codes 0..255 (a Map key). */
export function bytesKey(bytes: Uint8Array): string {
  let key = "";
  for (const b of bytes) key += String.fromCharCode(b);
  return key;
}

/** The pieces, as byte-string keys, that `bytes` merges into. */
export function bytePairMerge(bytes: Uint8Array, rankOf: (key: string) => number | undefined): string[] {
  const pieces = Array.from(bytes, (b) => String.fromCharCode(b));
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < pieces.length; i += 1) {
      const rank = rankOf((pieces[i] ?? "") + (pieces[i + 1] ?? ""));
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = i;
      }
    }
    if (best < 0) return pieces;
    pieces.splice(best, 2, (pieces[best] ?? "") + (pieces[best + 1] ?? ""));
  }
}
