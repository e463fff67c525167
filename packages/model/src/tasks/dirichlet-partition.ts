// Dirichlet(alpha) label-skew partition of a labelled set over N clients (the usual non-IID benchmark split): for
// each class c, proportions p_c ~ Dir(alpha, ..., alpha) over the clients, and the class's examples (in seeded
// order) are dealt out in those proportions (largest-remainder rounding). Small alpha gives each client a few
// classes; large alpha gives every client nearly the global mix. Clients left empty then take one example each
// from the largest client, so every client trains.
import { type Result, type Rng, fail, ok } from "@airlora/core";
import { sampleDirichlet } from "./dirichlet";
import { shuffled } from "./shuffle";
import { indicesByLabel } from "./stratified-split";

/** Integer counts summing to `total` in proportions `p` (largest remainder, ties to the lower index). */
export function apportion(p: ArrayLike<number>, total: number): number[] {
  const exact = Array.from(p, (x) => x * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => ({ rest: x - Math.floor(x), i })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

/**
 * Each client's example indices (into `labels`), in seeded random order. Same inputs and seed, same partition.
 * Fails if there are fewer examples than clients or the parameters are out of range.
 */
export function dirichletPartition(
  labels: ArrayLike<number>,
  clients: number,
  alpha: number,
  rng: Rng,
): Result<number[][]> {
  if (!Number.isInteger(clients) || clients < 1)
    return fail({ code: "invalid-clients", reason: "clients must be >= 1" });
  if (!(alpha > 0) || !Number.isFinite(alpha)) return fail({ code: "invalid-alpha", reason: "alpha must be > 0" });
  if (labels.length < clients) {
    return fail({
      code: "too-few-examples",
      reason: `${labels.length} examples cannot give ${clients} clients one each`,
    });
  }
  const shards: number[][] = Array.from({ length: clients }, () => []);
  for (const indices of indicesByLabel(labels).values()) {
    const order = shuffled(indices, rng);
    const counts = apportion(sampleDirichlet(alpha, clients, rng), order.length);
    let at = 0;
    counts.forEach((count, client) => {
      shards[client]?.push(...order.slice(at, at + count));
      at += count;
    });
  }
  for (const empty of shards.filter((s) => s.length === 0)) {
    const largest = shards.reduce((a, b) => (b.length > a.length ? b : a));
    const moved = largest.pop();
    if (moved !== undefined) empty.push(moved);
  }
  return ok(shards.map((s) => shuffled(s, rng)));
}
