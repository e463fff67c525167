import { describe, expect, it } from "vitest";
import type { AdapterSpec, Precision, UpdateKind } from "@airlora/core";
import { SPEC, fixtureUpdate } from "./codec-fixtures";
import type { DecodeExpectation } from "./decode-header";
import { decodeUpdate } from "./decode-update";
import { encodeUpdate } from "./encode-update";

// Byte offsets in the fixtures (fp32), from the README's byte table:
//   dense: module 1 A' at 64, head at 244 (260 bytes);
//   soft:  module 0 mask at 24, module 1 mask at 45..47 (ranks 0, 4, 8: 0x11 0x01), 123 bytes;
//   topk:  module 0 flags at 24 (0b11), counts at 25 and 29, dA bitmask at 33 (0b1001), dB bitmask at 34;
//          module 1 flags at 47 (0), counts at 48 and 52, dA gaps at 56..58 (1, 0, 23), dB gaps at 59..60 (0, 16),
//          97 bytes.
function encoded(kind: UpdateKind, precision: Precision = "fp32"): Uint8Array {
  const result = encodeUpdate(SPEC, fixtureUpdate(kind), precision);
  if (!result.ok) throw new Error(result.error.reason);
  return result.value;
}

type Field = "u8" | "u16" | "u32" | "f32";

/** A copy of `bytes` with one little-endian field overwritten. */
function patched(bytes: Uint8Array, type: Field, at: number, value: number): Uint8Array {
  const copy = bytes.slice();
  const view = new DataView(copy.buffer);
  if (type === "u8") view.setUint8(at, value);
  else if (type === "u16") view.setUint16(at, value, true);
  else if (type === "u32") view.setUint32(at, value, true);
  else view.setFloat32(at, value, true);
  return copy;
}

function refusal(bytes: Uint8Array, spec: AdapterSpec = SPEC, expect: DecodeExpectation = {}): string {
  const result = decodeUpdate(spec, bytes, expect);
  return result.ok ? "accepted" : `${result.error.code}: ${result.error.reason}`;
}

describe("decodeUpdate refuses, with a reason a person can act on", () => {
  it("reads the fixtures' documented sizes", () => {
    expect([encoded("dense").length, encoded("soft").length, encoded("topk").length]).toEqual([260, 123, 97]);
    expect(refusal(encoded("soft"))).toBe("accepted");
  });

  it("a buffer that is not an update (wrong magic)", () => {
    expect(refusal(patched(encoded("dense"), "u8", 0, 0x7b))).toBe(
      'bad-magic: not an AirLoRA update: it starts 0x7b 0x4c 0x52 0x55, expected "ALRU" (0x41 0x4c 0x52 0x55)',
    );
    expect(refusal(Uint8Array.from([0x7b, 0x7d]))).toMatch(/^bad-magic: .* starts 0x7b 0x7d,/u);
  });

  it("another format version, an unknown kind or precision code, a reserved byte that is not zero", () => {
    const bytes = encoded("dense");
    expect(refusal(patched(bytes, "u8", 4, 1))).toBe(
      "bad-version: update format version 1, this decoder reads version 2",
    );
    expect(refusal(patched(bytes, "u8", 5, 0))).toMatch(/^bad-kind: unknown update kind code 0/u);
    expect(refusal(patched(bytes, "u8", 5, 5))).toMatch(/^bad-kind: unknown update kind code 5/u);
    expect(refusal(patched(bytes, "u8", 6, 3))).toMatch(/^bad-precision: unknown precision code 3/u);
    expect(refusal(patched(bytes, "u8", 7, 1))).toBe("bad-header: reserved header byte 7 is 1, not 0");
  });

  it("an update made for another spec: other module names, alpha, or module count", () => {
    const bytes = encoded("dense");
    const renamed: AdapterSpec = {
      ...SPEC,
      modules: SPEC.modules.map((m, i) => (i === 1 ? { ...m, name: "h.1.attn.v" } : m)),
    };
    expect(refusal(bytes, renamed)).toMatch(
      /^spec-mismatch: spec fingerprint 0x[0-9a-f]{8} is not this model's 0x[0-9a-f]{8}: the update was made for another adapter spec/u,
    );
    expect(refusal(bytes, { ...SPEC, alpha: 8 })).toMatch(/^spec-mismatch: spec fingerprint/u);
    expect(refusal(bytes, { ...SPEC, modules: SPEC.modules.slice(0, 1) })).toBe(
      "spec-mismatch: the update has 2 LoRA modules, this model's spec has 1",
    );
    expect(refusal(bytes, { ...SPEC, dense: [] })).toBe(
      "spec-mismatch: the update has 1 dense tensors, this model's spec has 0",
    );
  });

  it("a round or a kind other than the expected one", () => {
    expect(refusal(encoded("soft"), SPEC, { round: 4 })).toBe(
      "wrong-round: the update answers round 3, expected round 4",
    );
    expect(refusal(encoded("soft"), SPEC, { round: 3, kind: "dense" })).toBe(
      "wrong-kind: a soft update, this run's rule takes dense updates",
    );
    expect(refusal(encoded("soft"), SPEC, { round: 3, kind: "soft" })).toBe("accepted");
  });

  it("a precision other than the run's, or more bytes than the sender's budget (before reading anything)", () => {
    expect(refusal(encoded("soft", "fp32"), SPEC, { precision: "fp16" })).toBe(
      "wrong-precision: values in fp32, this run sends fp16",
    );
    expect(refusal(encoded("soft", "fp16"), SPEC, { precision: "fp32" })).toBe(
      "wrong-precision: values in fp16, this run sends fp32",
    );
    expect(refusal(encoded("soft", "fp16"), SPEC, { precision: "fp16", maxBytes: 123 })).toBe("accepted");
    expect(refusal(encoded("soft"), SPEC, { maxBytes: 122 })).toBe(
      "over-budget: 123 bytes, more than the 122 of the sender's byte budget",
    );
    expect(refusal(Uint8Array.from([0x7b, 0x7d]), SPEC, { maxBytes: 1 })).toMatch(/^over-budget: 2 bytes/u);
    expect(refusal(encoded("soft"), SPEC, { maxBytes: 123 })).toBe("accepted");
  });

  it("NaN or Infinity anywhere, in fp32 and fp16", () => {
    expect(refusal(patched(encoded("dense"), "f32", 64, NaN))).toBe("not-finite: module 1 (h.1.attn.q): A'[0] is NaN");
    expect(refusal(patched(encoded("dense"), "f32", 256, -Infinity))).toBe(
      "not-finite: dense tensor 0 (head.w)[3] is -Infinity",
    );
    const half = encoded("soft", "fp16"); // module 1 mask at 35..37, then a'_0 (3 halves) and b'_0 (2 halves)
    expect(refusal(patched(half, "u16", 37 + 2 * 4, 0x7c00))).toBe(
      "not-finite: module 1 (h.1.attn.q): b'_0[1] is NaN or Infinity (fp16 bits 0x7c00)",
    );
    expect(refusal(patched(half, "u16", 37, 0xfe01))).toMatch(
      /^not-finite: .*a'_0\[0\] is NaN or Infinity \(fp16 bits 0xfe01\)/u,
    );
  });

  it("topk positions beyond the factor, and counts beyond the factor or unlike the bitmask", () => {
    const bytes = encoded("topk");
    expect(refusal(patched(bytes, "u8", 60, 17))).toBe(
      "bad-index: module 1 (h.1.attn.q): dB position 18 (gap 1) >= 18",
    );
    expect(refusal(patched(bytes, "u8", 33, 0b10001))).toBe(
      "bad-index: module 0 (h.0.attn.q): dA bitmask sets position 4 >= 4",
    );
    expect(refusal(patched(bytes, "u8", 33, 0b0111))).toBe(
      "bad-count: module 0 (h.0.attn.q): dA bitmask sets 3 positions, the count says 2",
    );
    expect(refusal(patched(bytes, "u32", 25, 5))).toBe("bad-count: module 0 (h.0.attn.q): 5 dA entries > r*k = 4");
    expect(refusal(patched(bytes, "u32", 52, 0xffffffff))).toBe(
      "bad-count: module 1 (h.1.attn.q): 4294967295 dB entries > d*r = 18",
    );
  });

  it("topk positions not in the smaller encoding, varints that are not minimal, unknown flag bits", () => {
    const bytes = encoded("topk");
    const splice = (at: number, remove: number, insert: number[]): Uint8Array =>
      Uint8Array.from([...bytes.subarray(0, at), ...insert, ...bytes.subarray(at + remove)]);
    // Module 0's dB (one position of 6) as a 1-byte gap list: it ties with the 1-byte bitmask, which wins ties.
    expect(refusal(patched(patched(bytes, "u8", 24, 0b01), "u8", 34, 5))).toBe(
      "bad-positions: module 0 (h.0.attn.q): dB positions sent as a 1-byte gap list where the bitmask takes 1: " +
        "not the smaller encoding",
    );
    // Module 1's dB (positions 0 and 17 of 18) as its 3-byte bitmask where the gaps take 2.
    expect(refusal(Uint8Array.from([...splice(59, 2, [0x01, 0x00, 0x02])].map((x, i) => (i === 47 ? 2 : x))))).toBe(
      "bad-positions: module 1 (h.1.attn.q): dB positions sent as a 3-byte bitmask where a gap list takes 2: " +
        "not the smaller encoding",
    );
    expect(refusal(splice(56, 1, [0x81, 0x00]))).toBe(
      "bad-positions: module 1 (h.1.attn.q): dA gap 0 is not a minimal varint (a last byte of 0)",
    );
    expect(refusal(splice(56, 1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00]))).toBe(
      "bad-positions: module 1 (h.1.attn.q): dA gap 0 is a varint longer than 5 bytes",
    );
    expect(refusal(patched(bytes, "u8", 47, 0x04))).toBe(
      "bad-positions: module 1 (h.1.attn.q): topk flags 0x4 set bits other than 0 and 1",
    );
  });

  it("rank bitmask bits set at or beyond r, and masks that disagree with the body's length", () => {
    const bytes = encoded("soft");
    expect(refusal(patched(bytes, "u8", 24, 0x06))).toBe(
      "bad-rank: module 0 (h.0.attn.q): rank bitmask sets rank index 2 >= r=2",
    );
    expect(refusal(patched(bytes, "u8", 46, 0x03))).toBe(
      "bad-rank: module 1 (h.1.attn.q): rank bitmask sets rank index 9 >= r=9",
    );
    expect(refusal(patched(bytes, "u8", 46, 0x00))).toMatch(/^trailing-bytes: /u);
    expect(refusal(patched(bytes, "u8", 45, 0x13))).toMatch(/^truncated: /u);
  });

  it("every proper prefix (truncated) and any extra byte (trailing), for every kind and precision", () => {
    for (const kind of ["dense", "soft", "b-only", "topk"] as const) {
      for (const precision of ["fp16", "fp32"] as const) {
        const bytes = encoded(kind, precision);
        const prefixes = Array.from({ length: bytes.length }, (_, n) => refusal(bytes.subarray(0, n)).split(":")[0]);
        expect(new Set(prefixes)).toEqual(new Set(["truncated"]));
        const longer = new Uint8Array(bytes.length + 1);
        longer.set(bytes);
        expect(refusal(longer)).toBe(
          `trailing-bytes: 1 byte after the last dense tensor (the layout ends at ${bytes.length})`,
        );
      }
    }
    expect(refusal(encoded("dense").subarray(0, 100))).toBe(
      "truncated: module 1 (h.1.attn.q): A' and B' needs 180 bytes at offset 64, 36 left",
    );
  });
});
