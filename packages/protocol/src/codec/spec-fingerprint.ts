// A 32-bit FNV-1a hash of everything in an AdapterSpec that shapes an update (docs/protocol.md), so an update
// made for another model (other modules, ranks, head, alpha) is refused with a clear reason. Hashed byte stream,
// little-endian: u32 module count; per module: UTF-8 name, 0xFF, u32 d, u32 k, u32 rank; u32 dense count; per
// dense tensor: UTF-8 name, 0xFF, u32 number of dims, u32 per dim; f64 alpha. (0xFF never occurs in UTF-8.)
import type { AdapterSpec } from "@airlora/core";

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

class Fnv1a {
  private hash = FNV_OFFSET;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  byte(value: number): void {
    this.hash = Math.imul(this.hash ^ (value & 0xff), FNV_PRIME);
  }

  u32(value: number): void {
    for (let shift = 0; shift < 32; shift += 8) this.byte(value >>> shift);
  }

  f64(value: number): void {
    this.scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i += 1) this.byte(this.scratch.getUint8(i));
  }

  /** UTF-8 bytes (lone surrogates as U+FFFD, as TextEncoder does), then the terminator 0xFF. */
  name(text: string): void {
    for (const char of text) {
      let cp = char.codePointAt(0) ?? 0xfffd;
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      if (cp < 0x80) this.byte(cp);
      else if (cp < 0x800) this.bytes(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
      else if (cp < 0x10000) this.bytes(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
      else this.bytes(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    }
    this.byte(0xff);
  }

  digest(): number {
    return this.hash >>> 0;
  }

  private bytes(...values: number[]): void {
    for (const value of values) this.byte(value);
  }
}

// Specs are immutable values (every field readonly); the codec asks for the same spec's fingerprint on every update.
const fingerprints = new WeakMap<AdapterSpec, number>();

/** The spec's fingerprint as a u32; equal specs always agree, a change to any field almost surely shows. */
export function specFingerprint(spec: AdapterSpec): number {
  const known = fingerprints.get(spec);
  if (known !== undefined) return known;
  const fingerprint = computeFingerprint(spec);
  fingerprints.set(spec, fingerprint);
  return fingerprint;
}

function computeFingerprint(spec: AdapterSpec): number {
  const hash = new Fnv1a();
  hash.u32(spec.modules.length);
  for (const module of spec.modules) {
    hash.name(module.name);
    hash.u32(module.d);
    hash.u32(module.k);
    hash.u32(module.rank);
  }
  hash.u32(spec.dense.length);
  for (const tensor of spec.dense) {
    hash.name(tensor.name);
    hash.u32(tensor.shape.length);
    for (const dim of tensor.shape) hash.u32(dim);
  }
  hash.f64(spec.alpha);
  return hash.digest();
}
