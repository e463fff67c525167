// One run-wide tally of everything the coordinator refused on its sockets (docs/reliability.md, "Hostile input"),
// by code: refused messages and chunks from joined clients and from sockets that never said hello, refused
// handshakes and connections, connections closed for malformed or oversized packets. The per-client count on the
// dashboard only sees clients that joined; this sees everyone. Codes are the coordinator's own strings, never a
// client's, and at most MAX_REFUSAL_CODES of them are kept, so the tally stays small whatever arrives.
import { MAX_REFUSAL_CODES, type RefusalCounts } from "@airlora/protocol";

export interface RefusalCounter {
  count(code: string): void;
  read(): RefusalCounts;
  /** Called after every count (the dashboard batches what it sends). */
  onChange(listener: () => void): void;
}

export function createRefusalCounter(): RefusalCounter {
  const byCode = new Map<string, number>();
  const listeners: (() => void)[] = [];
  let total = 0;
  return {
    count: (code) => {
      const short = code.slice(0, 64);
      const key = byCode.has(short) || byCode.size < MAX_REFUSAL_CODES - 1 ? short : "other";
      byCode.set(key, (byCode.get(key) ?? 0) + 1);
      total += 1;
      for (const listener of listeners) listener();
    },
    read: () => ({ total, byCode: Object.fromEntries(byCode) }),
    onChange: (listener) => {
      listeners.push(listener);
    },
  };
}
