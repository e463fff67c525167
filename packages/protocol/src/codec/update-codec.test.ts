import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AdapterSpec, AdapterUpdate } from "@airlora/core";
import { decodeUpdate } from "./decode-update";
import { encodeUpdate } from "./encode-update";
import { float16BitsToFloat32, float32ToFloat16Bits } from "./float16";
import { caseArb, specArb, updateArb } from "./update-arbitraries";

/** The update every value of which went through fp16 and back. */
function throughFp16(update: AdapterUpdate): AdapterUpdate {
  const round = (values: Float32Array) => values.map((v) => float16BitsToFloat32(float32ToFloat16Bits(v)));
  const mapModule = (module: object) =>
    Object.fromEntries(Object.entries(module).map(([key, v]) => [key, v instanceof Float32Array ? round(v) : v]));
  return {
    ...update,
    modules: update.modules.map(mapModule),
    dense: update.dense.map(round),
  } as unknown as AdapterUpdate;
}

/** Every value of an update, modules first, in wire order per array. */
function allValues(update: AdapterUpdate): number[] {
  const arrays = update.modules.flatMap((module) => Object.values(module).filter((v) => v instanceof Float32Array));
  return [...arrays, ...update.dense].flatMap((values) => [...values]);
}

const casesOf = (precision: "fp16" | "fp32") =>
  specArb.chain((spec) =>
    fc
      .constantFrom("dense", "soft", "b-only", "topk" as const)
      .chain((kind) => updateArb(spec, kind, precision).map((update) => ({ spec, update }))),
  );

function encodeOrThrow(spec: AdapterSpec, update: AdapterUpdate, precision: "fp16" | "fp32"): Uint8Array {
  const encoded = encodeUpdate(spec, update, precision);
  if (!encoded.ok) throw new Error(`${encoded.error.code}: ${encoded.error.reason}`);
  return encoded.value;
}

describe("update codec round trip", () => {
  it("fp32 gives back every kind bit for bit (-0 and subnormals included)", () => {
    fc.assert(
      fc.property(casesOf("fp32"), ({ spec, update }) => {
        const decoded = decodeUpdate(spec, encodeOrThrow(spec, update, "fp32"));
        expect(decoded).toEqual({ ok: true, value: { update, precision: "fp32" } });
      }),
      { numRuns: 400 },
    );
  });

  it("fp16 gives back each value's nearest half, within a relative 2^-11 of normal values", () => {
    fc.assert(
      fc.property(casesOf("fp16"), ({ spec, update }) => {
        const decoded = decodeUpdate(spec, encodeOrThrow(spec, update, "fp16"));
        expect(decoded).toEqual({ ok: true, value: { update: throughFp16(update), precision: "fp16" } });
        if (!decoded.ok) return;
        const back = allValues(decoded.value.update);
        allValues(update).forEach((v, i) => {
          const bound = Math.abs(v) >= 2 ** -14 ? Math.abs(v) * 2 ** -11 : 2 ** -25;
          expect(Math.abs((back[i] ?? NaN) - v)).toBeLessThanOrEqual(bound);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("decodes the same update from any byteOffset (unaligned Buffer slices included)", () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 7 }), ({ spec, update, precision }, shift) => {
        const bytes = encodeOrThrow(spec, update, precision);
        const host = new Uint8Array(bytes.length + 16).fill(0xee);
        host.set(bytes, shift);
        const decoded = decodeUpdate(spec, host.subarray(shift, shift + bytes.length));
        expect(decoded).toEqual(decodeUpdate(spec, bytes));
        expect(decoded.ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("checks the round and the kind only when the receiver states them", () => {
    fc.assert(
      fc.property(caseArb, ({ spec, update, precision }) => {
        const bytes = encodeOrThrow(spec, update, precision);
        expect(decodeUpdate(spec, bytes, { round: update.round, kind: update.kind }).ok).toBe(true);
        expect(decodeUpdate(spec, bytes, {}).ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
