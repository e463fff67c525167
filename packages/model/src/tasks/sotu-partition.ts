// The sotu task's natural non-IID split: State of the Union addresses grouped by president. Evaluation is a fixed,
// seed-independent set: the last address of every president who gave at least 8 (14 addresses, 1808 to 2016,
// about 6% of the text), so every era is scored and those presidents keep 7+ addresses for training. The other
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

export interface SotuSplit {
  /** Indices into the address list, ascending. */
  readonly evaluation: number[];
  /** Per client: its presidents (in dealing order) and their training addresses (ascending indices). */
  readonly clients: { readonly presidents: string[]; readonly addresses: number[] }[];
}

/** Presidents in order of first appearance. */
export function presidentsOf(addresses: readonly Address[]): string[] {
  return [...new Set(addresses.map((a) => a.president))];
}

/** The last address (in list order) of each president with at least `minAddresses` of them. */
export function sotuEvaluationAddresses(
  addresses: readonly Address[],
  minAddresses: number = SOTU_EVAL_MIN_ADDRESSES,
): number[] {
  const byPresident = new Map<string, number[]>();
  addresses.forEach((a, i) => {
    byPresident.set(a.president, [...(byPresident.get(a.president) ?? []), i]);
  });
  return [...byPresident.values()]
    .filter((list) => list.length >= minAddresses)
    .map((list) => list[list.length - 1] ?? -1)
    .sort((a, b) => a - b);
}

export function splitSotu(addresses: readonly Address[], clients: number, rng: Rng): Result<SotuSplit> {
  const evaluation = sotuEvaluationAddresses(addresses);
  const held = new Set(evaluation);
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
  return ok({ evaluation, clients: dealt });
}
