// Per-address limits in front of every secret and every socket (docs/reliability.md, "Hostile input"): a wrong
// token costs the address a growing wait once it has had a few free tries, and no address holds more than its share
// of connections. Guessing a 144-bit token was never feasible; this keeps a guesser (or a broken client in a retry
// loop) from costing the coordinator anything either, while a person who mistyped once notices nothing.

export interface AccessLimits {
  /** Wrong tokens an address may present before it has to wait. */
  readonly freeFailures: number;
  /** The first wait; each further wrong token doubles it, up to maxBackoffMs. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  /** An address with no wrong token for this long starts over. */
  readonly forgetAfterMs: number;
  /** Open engine.io connections (participants, dashboards, probes) one address may hold. */
  readonly connectionsPerAddress: number;
  /** Open connections in all. */
  readonly connections: number;
  /** Addresses tracked at most; the oldest are forgotten first (bounded memory whatever a flood of addresses). */
  readonly trackedAddresses: number;
}

export const DEFAULT_ACCESS_LIMITS: AccessLimits = {
  freeFailures: 5,
  baseBackoffMs: 1000,
  maxBackoffMs: 10 * 60_000,
  forgetAfterMs: 15 * 60_000,
  connectionsPerAddress: 32,
  connections: 2000,
  trackedAddresses: 10_000,
};

export interface GuardCounters {
  readonly wrongTokens: number;
  /** Requests and handshakes refused because their address was waiting. */
  readonly backedOff: number;
  /** Connections refused by the per-address or total cap. */
  readonly connectionsRefused: number;
  readonly addressesWaiting: number;
}

export interface AccessGuard {
  /** How long `address` must still wait before it may present a token again; 0 if it may now. */
  waitMs(address: string): number;
  /** `address` presented a wrong or missing token (or was cut off for too many bad messages). */
  failed(address: string): void;
  /** Whether a new connection from `address` would fit under both caps (counts nothing). */
  hasRoom(address: string): boolean;
  /** A new connection from `address`: false when it would exceed a cap (then nothing is counted). */
  openConnection(address: string): boolean;
  closeConnection(address: string): void;
  counters(): GuardCounters;
}

interface AddressRecord {
  failures: number;
  lastFailureAt: number;
  waitUntil: number;
}

export function createAccessGuard(limits: AccessLimits = DEFAULT_ACCESS_LIMITS, now = Date.now): AccessGuard {
  const records = new Map<string, AddressRecord>();
  const open = new Map<string, number>();
  let openTotal = 0;
  let wrongTokens = 0;
  let backedOff = 0;
  let connectionsRefused = 0;

  const current = (address: string): AddressRecord | undefined => {
    const record = records.get(address);
    if (record !== undefined && now() - record.lastFailureAt > limits.forgetAfterMs) {
      records.delete(address);
      return undefined;
    }
    return record;
  };

  return {
    waitMs: (address) => {
      const wait = Math.max(0, (current(address)?.waitUntil ?? 0) - now());
      if (wait > 0) backedOff += 1;
      return wait;
    },
    failed: (address) => {
      wrongTokens += 1;
      const record = current(address) ?? { failures: 0, lastFailureAt: 0, waitUntil: 0 };
      record.failures += 1;
      record.lastFailureAt = now();
      const over = record.failures - limits.freeFailures;
      if (over > 0) {
        const backoff = Math.min(limits.maxBackoffMs, limits.baseBackoffMs * 2 ** Math.min(over - 1, 30));
        record.waitUntil = now() + backoff;
      }
      records.delete(address); // re-insert: the map's order is the order of last failure, oldest first
      records.set(address, record);
      while (records.size > limits.trackedAddresses) {
        const oldest = records.keys().next().value;
        if (oldest === undefined) break;
        records.delete(oldest);
      }
    },
    hasRoom: (address) => (open.get(address) ?? 0) < limits.connectionsPerAddress && openTotal < limits.connections,
    openConnection: (address) => {
      const mine = open.get(address) ?? 0;
      if (mine >= limits.connectionsPerAddress || openTotal >= limits.connections) {
        connectionsRefused += 1;
        return false;
      }
      open.set(address, mine + 1);
      openTotal += 1;
      return true;
    },
    closeConnection: (address) => {
      const mine = open.get(address) ?? 0;
      if (mine <= 0) return;
      if (mine === 1) open.delete(address);
      else open.set(address, mine - 1);
      openTotal -= 1;
    },
    counters: () => ({
      wrongTokens,
      backedOff,
      connectionsRefused,
      addressesWaiting: [...records.values()].filter((r) => r.waitUntil > now()).length,
    }),
  };
}
