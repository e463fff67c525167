// Where a topk update's kept elements sit in a factor (docs/algorithms.md section 4.5; docs/protocol.md section 3):
// the wire sends the flat positions of each factor (A or B of one module) as whichever is smaller, a bitmask of the
// factor or the list of gaps between positions as LEB128 varints. The topk builder and the codec both size positions
// here, so the builder can fill a byte budget exactly.

/** Bytes of `value` (a non-negative integer below 2^35) as an unsigned LEB128 varint: 7 bits per byte. */
export function varintBytes(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  return value < 0x10000000 ? 4 : 5;
}

/** The bitmask of a factor of `size` elements: bit p & 7 (least significant first) of byte p >> 3 for position p. */
export function positionMaskBytes(size: number): number {
  return Math.ceil(size / 8);
}

/**
 * The gap list of strictly increasing positions: gap_0 = p_0 and gap_j = p_j - p_{j-1} - 1, one varint each. A
 * position p_j costs 1 byte while it is at most 128 past the one before (densities above 1/128 cost at most 1 B).
 */
export function gapListBytes(positions: ArrayLike<number>): number {
  let bytes = 0;
  let previous = -1;
  for (let j = 0; j < positions.length; j += 1) {
    const p = positions[j] ?? 0;
    bytes += varintBytes(p - previous - 1);
    previous = p;
  }
  return bytes;
}

export interface PositionEncoding {
  /** True: a bitmask of the factor; false: the gap list. */
  readonly bitmask: boolean;
  readonly bytes: number;
}

/** The encoding the codec uses for these positions: the gap list when it is strictly smaller, else the bitmask. */
export function choosePositionEncoding(size: number, gapBytes: number): PositionEncoding {
  const mask = positionMaskBytes(size);
  return gapBytes < mask ? { bitmask: false, bytes: gapBytes } : { bitmask: true, bytes: mask };
}

/** choosePositionEncoding for a list of strictly increasing positions in a factor of `size` elements. */
export function topkPositionEncoding(size: number, positions: ArrayLike<number>): PositionEncoding {
  return choosePositionEncoding(size, gapListBytes(positions));
}
