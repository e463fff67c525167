import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { simdKernels, type Precision } from "@airlora/core";
import { readValues, readValuesPortably, withScalarValueIo, writeValues, writeValuesPortably } from "./value-io";

/** Float32 bit patterns around every edge of the fast paths (half normals, overflow, zeros), plus anything at all. */
const EDGES = [
  0, 0x80000000, 0x00000001, 0x007fffff, 0x33000000, 0x33000001, 0x387fffff, 0x38800000, 0x38800001, 0x387fe000,
  0x387ff000, 0x477fe000, 0x477fefff, 0x477ff000, 0x477ff001, 0x47800000, 0x7f7fffff, 0x7f800000, 0x7fc00000,
  0xff800000, 0x3f800fff, 0x3f801000, 0x3f801001, 0x3f803000,
];
const bitsArb = fc.oneof(
  fc.constantFrom(...EDGES),
  fc.integer({ min: 0, max: 0xffffffff }),
  fc.constantFrom(0x3c23d70a),
);
const valuesArb = fc.array(fc.tuple(bitsArb, fc.boolean()), { maxLength: 40 }).map((pairs) => {
  const bits = Uint32Array.from(pairs, ([b, negate]) => (negate ? b ^ 0x80000000 : b) >>> 0);
  return new Float32Array(bits.buffer);
});
const precisionArb = fc.constantFrom<Precision>("fp16", "fp32");

/** Each bulk test runs twice: through the vector kernels (Node has WebAssembly SIMD) and through the scalar loops. */
const paths = [
  ["vector kernels", <T>(body: () => T): T => body()],
  ["scalar loops", withScalarValueIo],
] as const;

describe.each(paths)("value-io's bulk paths (%s)", (_, run) => {
  it("write the same bytes and refuse the same first value as the DataView path, at any byte offset", () => {
    fc.assert(
      fc.property(valuesArb, precisionArb, fc.nat(7), fc.nat(3), (values, precision, hostOffset, offset) => {
        const size = offset + values.length * (precision === "fp16" ? 2 : 4);
        const fast = new Uint8Array(new ArrayBuffer(size + 8), hostOffset, size);
        const slow = new Uint8Array(size);
        const badFast = run(() => writeValues(fast, offset, values, precision));
        const badSlow = writeValuesPortably(slow, offset, values, precision);
        expect(badFast).toBe(badSlow);
        if (badSlow < 0) expect([...fast]).toEqual([...slow]);
      }),
      { numRuns: 3000 },
    );
  });

  it("read the same values and refuse the same first NaN or Infinity as the DataView path, at any byte offset", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 90 }),
        precisionArb,
        fc.nat(7),
        fc.nat(3),
        (raw, precision, hostOffset, offset) => {
          const host = new Uint8Array(new ArrayBuffer(raw.length + 8), hostOffset, raw.length);
          host.set(raw);
          const count = Math.max(0, Math.floor((raw.length - offset) / (precision === "fp16" ? 2 : 4)));
          const fast = new Float32Array(count);
          const slow = new Float32Array(count);
          const badFast = run(() => readValues(host, offset, fast, precision));
          const badSlow = readValuesPortably(host, offset, slow, precision);
          expect(badFast).toBe(badSlow);
          if (badSlow < 0) expect(new Uint32Array(fast.buffer)).toEqual(new Uint32Array(slow.buffer));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("value-io's vector kernels", () => {
  it("run here (otherwise every test above would test the scalar loops twice)", () => {
    expect(simdKernels()).toBeDefined();
  });

  it("decode every one of the 65,536 halves as the DataView path does, refusing exactly NaN and Infinity", () => {
    const halves = Uint16Array.from({ length: 65536 }, (_, h) => h);
    const finite = halves.filter((h) => (h & 0x7c00) !== 0x7c00);
    const bytes = new Uint8Array(finite.buffer, finite.byteOffset, finite.byteLength);
    const fast = new Float32Array(finite.length);
    const slow = new Float32Array(finite.length);
    expect(readValues(bytes, 0, fast, "fp16")).toBe(-1);
    expect(readValuesPortably(bytes, 0, slow, "fp16")).toBe(-1);
    expect(new Uint32Array(fast.buffer)).toEqual(new Uint32Array(slow.buffer));
    for (const bad of [0x7c00, 0xfc00, 0x7e00, 0x7fff]) {
      const run = Uint16Array.from({ length: 37 }, (_, i) => (i === 29 ? bad : 0x3c00));
      expect(readValues(new Uint8Array(run.buffer), 0, new Float32Array(37), "fp16")).toBe(29);
    }
  });

  it("round a wide sweep of float32 values to the same halves as the DataView path, in runs beyond one chunk", () => {
    // Every 4099th bit pattern (about a million, both signs), plus 64 neighbours of each edge; non-finite and
    // beyond-fp16 patterns are left out here (refusals are the property tests' job).
    const patterns: number[] = [];
    for (let bits = 0; bits < 2 ** 32; bits += 4099) patterns.push(bits);
    for (const edge of EDGES) for (let d = -32; d < 32; d += 1) patterns.push((edge + d) >>> 0);
    const sweep = new Float32Array(new Uint32Array(patterns).buffer).filter((v) => Math.abs(v) < 65520);
    const size = 2 * sweep.length;
    const fast = new Uint8Array(size);
    const slow = new Uint8Array(size);
    expect(writeValues(fast, 0, sweep, "fp16")).toBe(-1);
    expect(writeValuesPortably(slow, 0, sweep, "fp16")).toBe(-1);
    expect(fast.findIndex((byte, i) => byte !== slow[i])).toBe(-1);
  });
});
