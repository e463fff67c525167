import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Precision } from "@airlora/core";
import { readValues, readValuesPortably, writeValues, writeValuesPortably } from "./value-io";

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

describe("value-io's bulk paths", () => {
  it("write the same bytes and refuse the same first value as the DataView path, at any byte offset", () => {
    fc.assert(
      fc.property(valuesArb, precisionArb, fc.nat(7), fc.nat(3), (values, precision, hostOffset, offset) => {
        const size = offset + values.length * (precision === "fp16" ? 2 : 4);
        const fast = new Uint8Array(new ArrayBuffer(size + 8), hostOffset, size);
        const slow = new Uint8Array(size);
        const badFast = writeValues(fast, offset, values, precision);
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
          const badFast = readValues(host, offset, fast, precision);
          const badSlow = readValuesPortably(host, offset, slow, precision);
          expect(badFast).toBe(badSlow);
          if (badSlow < 0) expect(new Uint32Array(fast.buffer)).toEqual(new Uint32Array(slow.buffer));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
