import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeUtf8 } from "../text-codec";
import { readSafetensors, writeSafetensors, type NamedTensor } from "./safetensors";

function file(header: unknown, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = encodeUtf8(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips named F32 tensors and metadata exactly", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "__metadata__"),
          fc.array(fc.float({ noNaN: true }), { maxLength: 24 }),
          { maxKeys: 5 },
        ),
        (record) => {
          const tensors = new Map<string, NamedTensor>(
            Object.entries(record).map(([name, values]) => [
              name,
              { shape: [values.length], data: new Float32Array(values) },
            ]),
          );
          const read = readSafetensors(writeSafetensors(tensors, { format: "pt" }));
          expect(read.ok).toBe(true);
          if (!read.ok) return;
          expect(read.value.metadata).toEqual({ format: "pt" });
          expect([...read.value.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
          for (const [name, tensor] of tensors) {
            expect(read.value.tensors.get(name)?.data).toEqual(tensor.data);
            expect(read.value.tensors.get(name)?.shape).toEqual(tensor.shape);
          }
        },
      ),
      // An empty tensor written before "0" (which JSON orders first) once read as an overlap; a tensor named
      // "__proto__" was once dropped by the writer (assigned, it set the header's prototype).
      { numRuns: 200, examples: [[{ " ": [], "0": [0] }], [{ ["__proto__"]: [1] }]] },
    );
  });

  it("starts the data 8-byte aligned", () => {
    const bytes = writeSafetensors(new Map([["x", { shape: [1], data: new Float32Array([1]) }]]));
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
  });

  it("reads F16 and BF16 values as found in Hugging Face checkpoints", () => {
    const data = new Uint8Array(8);
    const view = new DataView(data.buffer);
    view.setUint16(0, 0x3c00, true); // f16 1.0
    view.setUint16(2, 0xc000, true); // f16 -2.0
    view.setUint16(4, 0x3f80, true); // bf16 1.0
    view.setUint16(6, 0x4040, true); // bf16 3.0
    const read = readSafetensors(
      file(
        {
          h: { dtype: "F16", shape: [2], data_offsets: [0, 4] },
          b: { dtype: "BF16", shape: [2], data_offsets: [4, 8] },
        },
        data,
      ),
    );
    expect(read.ok && [...(read.value.tensors.get("h")?.data ?? [])]).toEqual([1, -2]);
    expect(read.ok && [...(read.value.tensors.get("b")?.data ?? [])]).toEqual([1, 3]);
  });

  it("refuses sizes that disagree with the shape, out-of-bounds and overlapping offsets, unknown dtypes", () => {
    const data = new Uint8Array(16);
    const cases: [unknown, RegExp][] = [
      [{ x: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, /bytes for shape/u],
      [{ x: { dtype: "F32", shape: [8], data_offsets: [0, 32] } }, /out of bounds/u],
      [{ x: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, /not supported/u],
      [
        {
          x: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
          y: { dtype: "F32", shape: [2], data_offsets: [4, 12] },
        },
        /overlap/u,
      ],
    ];
    for (const [header, reason] of cases) {
      const read = readSafetensors(file(header, data));
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.error.reason).toMatch(reason);
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expect(typeof readSafetensors(bytes).ok).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});
