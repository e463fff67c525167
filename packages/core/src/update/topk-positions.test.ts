import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  choosePositionEncoding,
  gapListBytes,
  positionMaskBytes,
  topkPositionEncoding,
  varintBytes,
} from "./topk-positions";

/** LEB128 written out byte by byte: the reference for varintBytes. */
function leb128(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    out.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return out;
}

describe("topk positions", () => {
  it("a varint takes one byte per 7 bits, at every boundary up to 2^35", () => {
    for (let bits = 0; bits <= 35; bits += 1) {
      for (const value of [2 ** bits - 1, 2 ** bits]) {
        if (value < 2 ** 35) expect(varintBytes(value)).toBe(leb128(value).length);
      }
    }
    fc.assert(fc.property(fc.nat(), (value) => varintBytes(value) === leb128(value).length));
  });

  it("a gap list is one varint per position of the gap since the previous one (the first from -1)", () => {
    expect(gapListBytes([])).toBe(0);
    expect(gapListBytes([0, 1, 2])).toBe(3);
    expect(gapListBytes([127, 255])).toBe(2); // gaps 127, 127
    expect(gapListBytes([128, 257])).toBe(4); // gaps 128, 128
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(100_000)), (raw) => {
        const positions = [...raw].sort((x, y) => x - y);
        const bytes = positions.flatMap((p, j) => leb128(p - (j === 0 ? -1 : (positions[j - 1] ?? 0)) - 1));
        expect(gapListBytes(positions)).toBe(bytes.length);
      }),
    );
  });

  it("sends the gap list only when strictly smaller than the factor's bitmask: about 1 in 8 elements kept", () => {
    expect(positionMaskBytes(1024)).toBe(128);
    expect(positionMaskBytes(9)).toBe(2);
    expect(choosePositionEncoding(1024, 127)).toEqual({ bitmask: false, bytes: 127 });
    expect(choosePositionEncoding(1024, 128)).toEqual({ bitmask: true, bytes: 128 });
    // Every 8th element of 1,024: 128 one-byte gaps tie with the bitmask, so the bitmask; one fewer is a gap list.
    const every8th = Array.from({ length: 128 }, (_, j) => 8 * j);
    expect(topkPositionEncoding(1024, every8th)).toEqual({ bitmask: true, bytes: 128 });
    expect(topkPositionEncoding(1024, every8th.slice(1))).toEqual({ bitmask: false, bytes: 127 });
    expect(topkPositionEncoding(5, [])).toEqual({ bitmask: false, bytes: 0 });
  });
});
