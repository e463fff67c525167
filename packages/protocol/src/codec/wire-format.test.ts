import { describe, expect, it } from "vitest";
import type { AdapterSpec } from "@airlora/core";
import { decodeUpdate } from "./decode-update";
import { encodeUpdate } from "./encode-update";
import { specFingerprint } from "./spec-fingerprint";

// The README's byte table, written out by hand for one tiny spec: these tests pin the format itself.
const TINY: AdapterSpec = {
  modules: [{ name: "q", d: 2, k: 1, rank: 3 }],
  dense: [{ name: "h", shape: [1] }],
  alpha: 1,
};

/** FNV-1a 32 over explicit bytes: an independent reference for the fingerprint. */
function fnv1a(bytes: readonly number[]): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

const u32 = (value: number): number[] => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];

// Hashed stream of TINY: module count, "q" 0xFF d k r, dense count, "h" 0xFF ndims dims, alpha as f64 LE.
const TINY_STREAM = [
  ...[...u32(1), 0x71, 0xff, ...u32(2), ...u32(1), ...u32(3)],
  ...[...u32(1), 0x68, 0xff, ...u32(1), ...u32(1)],
  ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
];
const TINY_FINGERPRINT = fnv1a(TINY_STREAM);

const header = (kind: number, precision: number, round: number): number[] => [
  ...[0x41, 0x4c, 0x52, 0x55, 2, kind, precision, 0],
  ...u32(round),
  ...u32(1),
  ...u32(1),
  ...u32(TINY_FINGERPRINT),
];

const hex = (bytes: Iterable<number>): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

describe("wire format", () => {
  it("fingerprints the spec as FNV-1a over the documented byte stream (UTF-8 names, 0xFF after each)", () => {
    expect(specFingerprint(TINY)).toBe(TINY_FINGERPRINT);
    expect(TINY_FINGERPRINT).toBe(0xb1d3a681);
    const unicode: AdapterSpec = { modules: [{ name: "é😀", d: 1, k: 1, rank: 1 }], dense: [], alpha: 0.5 };
    const stream = [...u32(1), 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0xff, ...u32(1), ...u32(1), ...u32(1), ...u32(0)];
    expect(specFingerprint(unicode)).toBe(fnv1a([...stream, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f]));
  });

  it("changes the fingerprint when any part of the spec changes", () => {
    const base: AdapterSpec = {
      modules: [
        { name: "a", d: 4, k: 5, rank: 2 },
        { name: "b", d: 4, k: 5, rank: 2 },
      ],
      dense: [{ name: "h", shape: [2, 3] }],
      alpha: 16,
    };
    const [m0, m1] = base.modules as [AdapterSpec["modules"][0], AdapterSpec["modules"][0]];
    const variants: AdapterSpec[] = [
      { ...base, modules: [m1, m0] },
      { ...base, modules: [{ ...m0, name: "c" }, m1] },
      { ...base, modules: [{ ...m0, d: 5 }, m1] },
      { ...base, modules: [{ ...m0, k: 4 }, m1] },
      { ...base, modules: [{ ...m0, rank: 4 }, m1] },
      { ...base, modules: [m0] },
      { ...base, dense: [{ name: "g", shape: [2, 3] }] },
      { ...base, dense: [{ name: "h", shape: [3, 2] }] },
      { ...base, dense: [{ name: "h", shape: [6] }] },
      { ...base, dense: [] },
      { ...base, alpha: 8 },
      {
        ...base,
        modules: [
          { ...m0, name: "ab" },
          { ...m1, name: "" },
        ],
      },
    ];
    const prints = new Set([base, ...variants].map(specFingerprint));
    expect(prints.size).toBe(variants.length + 1);
    expect(specFingerprint(JSON.parse(JSON.stringify(base)) as AdapterSpec)).toBe(specFingerprint(base));
  });

  it("writes a soft fp16 update as the byte table says", () => {
    const update = {
      kind: "soft" as const,
      round: 7,
      modules: [{ ranks: [0, 2], a: Float32Array.from([1, -2]), b: Float32Array.from([0.5, 0, -0, 2 ** -24]) }],
      dense: [Float32Array.from([1])],
    };
    const expected = [
      ...header(2, 2, 7),
      0b101, // rank bitmask: ranks 0 and 2
      ...[0x00, 0x3c, 0x00, 0x38, 0x00, 0x00], // a'_0 = 1; b'_0 = 0.5, 0
      ...[0x00, 0xc0, 0x00, 0x80, 0x01, 0x00], // a'_2 = -2; b'_2 = -0, 2^-24
      ...[0x00, 0x3c], // head = 1
    ];
    const encoded = encodeUpdate(TINY, update, "fp16");
    expect(hex(encoded.ok ? encoded.value : [])).toBe(hex(expected));
    expect(decodeUpdate(TINY, Uint8Array.from(expected))).toEqual({ ok: true, value: { update, precision: "fp16" } });
  });

  it("writes a topk fp32 update as the byte table says (bitmasks where they are no larger than the gaps)", () => {
    const update = {
      kind: "topk" as const,
      round: 1,
      modules: [
        {
          aIndex: Uint32Array.from([2]),
          aDelta: Float32Array.from([1.5]),
          bIndex: Uint32Array.from([0, 5]),
          bDelta: Float32Array.from([-1, 2]),
        },
      ],
      dense: [Float32Array.from([0.25])],
    };
    const expected = [
      ...header(4, 4, 1),
      0b11, // flags: dA and dB positions as bitmasks (a 1-byte gap list would tie with dA's 1-byte mask)
      ...[...u32(1), ...u32(2)], // counts: 1 dA entry, 2 dB entries
      0b100, // dA bitmask (r*k = 3): position 2
      0b100001, // dB bitmask (d*r = 6): positions 0 and 5
      ...[0x00, 0x00, 0xc0, 0x3f], // dA = 1.5
      ...[0x00, 0x00, 0x80, 0xbf, 0x00, 0x00, 0x00, 0x40], // dB = -1, 2
      ...[0x00, 0x00, 0x80, 0x3e], // head = 0.25
    ];
    const encoded = encodeUpdate(TINY, update, "fp32");
    expect(hex(encoded.ok ? encoded.value : [])).toBe(hex(expected));
    expect(decodeUpdate(TINY, Uint8Array.from(expected))).toEqual({ ok: true, value: { update, precision: "fp32" } });
  });

  it("writes sparse topk positions as LEB128 gaps, and an empty factor as no bytes at all", () => {
    const wide: AdapterSpec = { modules: [{ name: "w", d: 200, k: 1, rank: 1 }], dense: [], alpha: 1 };
    const update = {
      kind: "topk" as const,
      round: 2,
      modules: [
        {
          aIndex: new Uint32Array(0),
          aDelta: new Float32Array(0),
          bIndex: Uint32Array.from([3, 150]),
          bDelta: Float32Array.from([1, -2]),
        },
      ],
      dense: [],
    };
    const expected = [
      ...[0x41, 0x4c, 0x52, 0x55, 2, 4, 2, 0, ...u32(2), ...u32(1), ...u32(0), ...u32(specFingerprint(wide))],
      0b00, // flags: both as gap lists (dB's 25-byte bitmask is larger)
      ...[...u32(0), ...u32(2)],
      ...[3, 0x92, 0x01], // dB gaps: 3, then 150 - 3 - 1 = 146 = 0x12 + 1 * 128
      ...[0x00, 0x3c, 0x00, 0xc0], // dB = 1, -2 in fp16
    ];
    const encoded = encodeUpdate(wide, update, "fp16");
    expect(hex(encoded.ok ? encoded.value : [])).toBe(hex(expected));
    expect(decodeUpdate(wide, Uint8Array.from(expected))).toEqual({ ok: true, value: { update, precision: "fp16" } });
  });

  it("writes dense as A' then B', and b-only as B', row-major as stored", () => {
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([4, 5, 6, 7, 8, 9]);
    const dense = encodeUpdate(
      TINY,
      { kind: "dense", round: 0, modules: [{ a, b }], dense: [Float32Array.from([10])] },
      "fp32",
    );
    const bOnly = encodeUpdate(
      TINY,
      { kind: "b-only", round: 0, modules: [{ b }], dense: [Float32Array.from([10])] },
      "fp32",
    );
    const floats = (bytes: Uint8Array) =>
      Array.from({ length: (bytes.length - 24) / 4 }, (_, i) =>
        new DataView(bytes.buffer).getFloat32(24 + 4 * i, true),
      );
    expect(dense.ok && floats(dense.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bOnly.ok && floats(bOnly.value)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(dense.ok && hex(dense.value.subarray(0, 8))).toBe("41 4c 52 55 02 01 04 00");
    expect(bOnly.ok && hex(bOnly.value.subarray(0, 8))).toBe("41 4c 52 55 02 03 04 00");
  });
});
