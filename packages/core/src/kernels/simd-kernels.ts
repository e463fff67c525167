// The vector kernels of kernels.wat behind plain typed-array functions. Values are copied into the module's fixed
// 512 KiB memory in chunks, padded with zeros to a multiple of 8 (a zero is finite, converts to a zero half and adds
// nothing), worked on there and copied out. Where WebAssembly or its SIMD is missing (an old browser) `simdKernels()`
// is undefined and callers keep their scalar loops, which compute the same bits.
import { instantiateKernels } from "./instantiate-kernels";
import { KERNELS_WASM_HEX } from "./kernels-wasm";

/** Elements per chunk; the memory layout below holds one chunk of each region. */
const CHUNK = 16384;
/** Byte offsets in the module's memory (706 KiB of its 768 used): chunk-sized float32 regions for input and output,
 * then accumulate's accumulator and its eight contributor slots. */
const IN = 0;
const OUT = CHUNK * 4;
const ACC = CHUNK * 8;
const SLOTS = CHUNK * 12;
/** Floats from one contributor slot to the next: a chunk plus 64, off the power of two (see kernels.wat). */
const SLOT_STRIDE = CHUNK + 64;

interface KernelExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  anyNonFinite32(p: number, n: number): number;
  toHalves(src: number, dst: number, n: number): number;
  fromHalves(src: number, dst: number, n: number): number;
  accumulate8(
    n: number,
    w0: number,
    w1: number,
    w2: number,
    w3: number,
    w4: number,
    w5: number,
    w6: number,
    w7: number,
  ): void;
  accumulate4(n: number, w0: number, w1: number, w2: number, w3: number): void;
  accumulate1(acc: number, x: number, n: number, w: number): void;
}

export interface SimdKernels {
  /** Whether any value is NaN or +-Infinity. */
  anyNonFinite(values: Float32Array): boolean;
  /** `values` as fp16 bits into `out` (same length), rounded to nearest even; false when some value is NaN,
   * Infinity or beyond fp16, and then `out` holds garbage. */
  toHalves(values: Float32Array, out: Uint16Array): boolean;
  /** fp16 bits to float32 into `out` (same length); false when some half is NaN or Infinity. */
  fromHalves(halves: Uint16Array, out: Float32Array): boolean;
  /** acc[at + i] += sum over n in order of weights[n] * arrays[n][from[n] + i], for i < length, each weight, product
   * and sum rounded to float32 (as accumulateScalar in aggregation/weighted-sum.ts does it). */
  readonly accumulate: Accumulate;
  /** The rows form of accumulate, for soft updates: acc holds `rows` rows of `rowLength`; contributor n sent the rows
   * `parts[n].rows` (increasing) as consecutive rows of `parts[n].values`. Each contributor adds w_n x to every row,
   * x = 0 for a row it did not send, in contributor order, in float32 (as accumulateRowsScalar does). */
  accumulateRows(acc: Float32Array, rowLength: number, parts: readonly RowPart[], weights: readonly number[]): void;
  /** accumulateRows takes rows of at most this many values (callers use the scalar loop beyond). */
  readonly maxRowLength: number;
}

/** acc[at + i] += sum over n in order of weights[n] * arrays[n][from[n] + i], for i < length. */
export type Accumulate = (
  acc: Float32Array,
  at: number,
  arrays: readonly Float32Array[],
  from: readonly number[],
  weights: readonly number[],
  length: number,
) => void;

/** One contributor's rows for accumulateRows. */
export interface RowPart {
  readonly rows: readonly number[];
  readonly values: Float32Array;
}

const padded = (n: number): number => (n + 7) & ~7;

function wrap(k: KernelExports): SimdKernels {
  const buffer = k.memory.buffer;
  const f32 = new Float32Array(buffer);
  const u16 = new Uint16Array(buffer);
  /** Copies values[start, start + n) to element `at` of the memory and zeros the pad up to a multiple of 8. Most runs
   * are one chunk: then no subarray is made (a view costs more than copying a few KiB). One function per element
   * type, so each call site stays monomorphic. */
  const stage32 = (at: number, values: Float32Array, start: number, n: number): void => {
    if (n === values.length) f32.set(values, at);
    else f32.set(values.subarray(start, start + n), at);
    if (n % 8 !== 0) f32.fill(0, at + n, at + padded(n));
  };
  const stage16 = (at: number, values: Uint16Array, start: number, n: number): void => {
    if (n === values.length) u16.set(values, at);
    else u16.set(values.subarray(start, start + n), at);
    if (n % 8 !== 0) u16.fill(0, at + n, at + padded(n));
  };
  /** Contributor `x` from `offset` into accumulate's slot `s`; past its end it counts as zeros, as in the scalar loop. */
  const slot = (s: number, x: Float32Array, offset: number, n: number): void => {
    const base = SLOTS / 4 + s * SLOT_STRIDE;
    const have = Math.max(0, Math.min(n, x.length - offset));
    if (have === n) {
      stage32(base, x, offset, n);
      return;
    }
    f32.set(x.subarray(offset, offset + have), base);
    f32.fill(0, base + have, base + padded(n));
  };
  /** Adds `count` contributors to the staged accumulator in order, eight per kernel call, then four, then one;
   * `fill(s, c)` stages contributor c into slot s. */
  const sweep = (count: number, width: number, weights: readonly number[], fill: (s: number, c: number) => void) => {
    const w = (c: number): number => weights[c] ?? 0;
    let c = 0;
    for (; c + 8 <= count; c += 8) {
      for (let s = 0; s < 8; s += 1) fill(s, c + s);
      k.accumulate8(width, w(c), w(c + 1), w(c + 2), w(c + 3), w(c + 4), w(c + 5), w(c + 6), w(c + 7));
    }
    if (c + 4 <= count) {
      for (let s = 0; s < 4; s += 1) fill(s, c + s);
      k.accumulate4(width, w(c), w(c + 1), w(c + 2), w(c + 3));
      c += 4;
    }
    for (; c < count; c += 1) {
      fill(0, c);
      k.accumulate1(ACC, SLOTS, width, w(c));
    }
  };
  return {
    maxRowLength: CHUNK,
    anyNonFinite(values) {
      for (let start = 0; start < values.length; start += CHUNK) {
        const n = Math.min(CHUNK, values.length - start);
        stage32(IN / 4, values, start, n);
        if (k.anyNonFinite32(IN, padded(n)) !== 0) return true;
      }
      return false;
    },
    toHalves(values, out) {
      for (let start = 0; start < values.length; start += CHUNK) {
        const n = Math.min(CHUNK, values.length - start);
        stage32(IN / 4, values, start, n);
        if (k.toHalves(IN, OUT, padded(n)) !== 0) return false;
        out.set(u16.subarray(OUT / 2, OUT / 2 + n), start);
      }
      return true;
    },
    fromHalves(halves, out) {
      for (let start = 0; start < halves.length; start += CHUNK) {
        const n = Math.min(CHUNK, halves.length - start);
        stage16(IN / 2, halves, start, n);
        if (k.fromHalves(IN, OUT, padded(n)) !== 0) return false;
        out.set(f32.subarray(OUT / 4, OUT / 4 + n), start);
      }
      return true;
    },
    accumulate(acc, at, arrays, from, weights, length) {
      const empty = new Float32Array(0);
      for (let start = 0; start < length; start += CHUNK) {
        const n = Math.min(CHUNK, length - start);
        const width = padded(n);
        stage32(ACC / 4, acc, at + start, n);
        sweep(arrays.length, width, weights, (s, c) => {
          slot(s, arrays[c] ?? empty, (from[c] ?? 0) + start, n);
        });
        acc.set(f32.subarray(ACC / 4, ACC / 4 + n), at + start);
      }
    },
    accumulateRows(acc, rowLength, parts, weights) {
      const rows = acc.length / rowLength;
      const perChunk = Math.floor(CHUNK / rowLength);
      for (let first = 0; first < rows; first += perChunk) {
        const last = Math.min(rows, first + perChunk);
        const n = (last - first) * rowLength;
        const width = padded(n);
        stage32(ACC / 4, acc, first * rowLength, n);
        /** Contributor c's rows in [first, last) into slot s, zeros elsewhere (only there: a part that sent every
         * row is copied, never cleared first); consecutive rows are copied at once. */
        const expand = (s: number, part: RowPart): void => {
          const base = SLOTS / 4 + s * SLOT_STRIDE;
          let cleared = first;
          let j = 0;
          while (j < part.rows.length) {
            const row = part.rows[j] ?? 0;
            let run = 1;
            while (part.rows[j + run] === row + run) run += 1;
            const from = Math.max(row, first);
            const to = Math.min(row + run, last);
            if (from < to) {
              if (cleared < from) f32.fill(0, base + (cleared - first) * rowLength, base + (from - first) * rowLength);
              const src = (j + from - row) * rowLength;
              f32.set(part.values.subarray(src, src + (to - from) * rowLength), base + (from - first) * rowLength);
              cleared = to;
            }
            j += run;
          }
          f32.fill(0, base + (cleared - first) * rowLength, base + width);
        };
        sweep(parts.length, width, weights, (s, c) => {
          expand(s, parts[c] ?? NO_ROWS);
        });
        acc.set(f32.subarray(ACC / 4, ACC / 4 + n), first * rowLength);
      }
    },
  };
}

const NO_ROWS: RowPart = { rows: [], values: new Float32Array(0) };

let kernels: SimdKernels | null | undefined;

/** The kernels, instantiated on first use; undefined where this runtime has no WebAssembly SIMD. */
export function simdKernels(): SimdKernels | undefined {
  if (kernels === undefined) {
    const exports = instantiateKernels(KERNELS_WASM_HEX) as KernelExports | undefined;
    kernels = exports === undefined ? null : wrap(exports);
  }
  return kernels ?? undefined;
}
