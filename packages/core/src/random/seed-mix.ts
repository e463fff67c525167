// Derives an independent 32-bit seed from a tuple (run seed, stream, round, client), so that every random draw
// of the channel is a pure function of its coordinates: replaying round 17 needs no rounds 0..16.

export function mixSeed(parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    // murmur3-style finaliser over each word: neighbouring tuples land far apart.
    h = Math.imul(h ^ (part >>> 0), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca77);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae3d);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
