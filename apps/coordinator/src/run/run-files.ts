// The files a run serves its participants, by path: the base model's, the shards (content-addressed, cacheable for
// good) and the published global adapter of a recent round. What the HTTP server answers from, and the simulator's
// in-memory hub too.
import type { RunEngine } from "./engine";
import type { Resource } from "./prepare-run";

const ROUND_GLOBAL = /^\/api\/run\/rounds\/(\d{1,7})\/global\.bin$/u;

export function findResource(engine: RunEngine, path: string): { resource: Resource; immutable: boolean } | undefined {
  const { run } = engine;
  for (const resource of [run.model.weights, run.model.poolingCentre, ...run.shards]) {
    if (resource.path === path) return { resource, immutable: true };
  }
  const round = ROUND_GLOBAL.exec(path)?.[1];
  const global = round === undefined ? undefined : engine.globalOf(Number(round));
  return global === undefined ? undefined : { resource: global, immutable: true };
}
