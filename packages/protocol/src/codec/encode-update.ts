// AdapterUpdate -> bytes (docs/protocol.md; byte table in packages/protocol/README.md). Refuses, as a Result,
// any update that does not fit its spec or holds a value the precision cannot carry; never throws.
import {
  ok,
  topkPositionEncoding,
  type AdapterSpec,
  type AdapterUpdate,
  type LoraModuleSpec,
  type Precision,
  type Result,
} from "@airlora/core";
import { checkCodecSpec } from "./check-spec";
import { checkUpdate } from "./check-update";
import { denseLabel, moduleLabel, type CodecError } from "./codec-error";
import { specFingerprint } from "./spec-fingerprint";
import { encodedSize } from "./update-size";
import { writePositions } from "./topk-positions-io";
import { describeBadValue, wireValues, writeValues } from "./value-io";
import {
  TOPK_A_BITMASK,
  TOPK_B_BITMASK,
  UPDATE_HEADER_BYTES,
  UPDATE_CODEC_VERSION,
  UPDATE_MAGIC,
  bytesPerValue,
  kindCode,
  maskBytes,
} from "./wire-format";

/** A cursor over the output; writing values returns the error, or undefined, so value writes chain with `??`. */
interface Writer {
  /** `where` names the run in a refusal; it is only called then (labels cost more than short runs). */
  values(values: Float32Array, where: () => string): CodecError | undefined;
  /** A soft module's kept components in wire order (a'_i then b'_i per kept rank), each factor checked and
   * converted in one piece; false, with nothing written, when some value is refused (the caller then writes rank
   * by rank, which names the first refused value in wire order). */
  softComponents(a: Float32Array, b: Float32Array, k: number, d: number): boolean;
  positions(positions: Uint32Array, size: number, bitmask: boolean): void;
  u8(value: number): void;
  u32(value: number): void;
  mask(ranks: readonly number[], r: number): void;
}

function createWriter(bytes: Uint8Array, precision: Precision): Writer {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const valueBytes = bytesPerValue(precision);
  let offset = UPDATE_HEADER_BYTES;
  return {
    values(values, where) {
      const bad = writeValues(bytes, offset, values, precision);
      offset += values.length * valueBytes;
      if (bad < 0) return undefined;
      const value = values[bad];
      return value !== undefined && Number.isFinite(value)
        ? { code: "fp16-overflow", reason: `${where()}[${bad}] is ${describeBadValue(value, precision)}; send fp32` }
        : { code: "not-finite", reason: `${where()}[${bad}] is ${describeBadValue(value, precision)}` };
    },
    softComponents(a, b, k, d) {
      const wireA = wireValues(a, precision);
      const wireB = wireA === undefined ? undefined : wireValues(b, precision);
      if (wireA === undefined || wireB === undefined) return false;
      const kept = a.length / k;
      for (let j = 0; j < kept; j += 1) {
        bytes.set(wireA.subarray(j * k * valueBytes, (j + 1) * k * valueBytes), offset);
        offset += k * valueBytes;
        bytes.set(wireB.subarray(j * d * valueBytes, (j + 1) * d * valueBytes), offset);
        offset += d * valueBytes;
      }
      return true;
    },
    positions(positions, size, bitmask) {
      offset = writePositions(bytes, offset, positions, size, bitmask);
    },
    u8(value) {
      view.setUint8(offset, value);
      offset += 1;
    },
    u32(value) {
      view.setUint32(offset, value, true);
      offset += 4;
    },
    mask(ranks, r) {
      for (const i of ranks) bytes[offset + (i >> 3)] = (bytes[offset + (i >> 3)] ?? 0) | (1 << (i & 7));
      offset += maskBytes(r);
    },
  };
}

/** Calls `write` for each module update with its spec and label; stops at the first error. */
function eachModule<T>(
  spec: AdapterSpec,
  modules: readonly T[],
  write: (update: T, module: LoraModuleSpec, label: () => string) => CodecError | undefined,
): CodecError | undefined {
  for (const [m, update] of modules.entries()) {
    const module = spec.modules[m];
    const error = module === undefined ? undefined : write(update, module, () => moduleLabel(spec, m));
    if (error !== undefined) return error;
  }
  return undefined;
}

function writeModules(w: Writer, spec: AdapterSpec, update: AdapterUpdate): CodecError | undefined {
  switch (update.kind) {
    case "dense":
      return eachModule(
        spec,
        update.modules,
        (mu, _, label) => w.values(mu.a, () => `${label()}: A'`) ?? w.values(mu.b, () => `${label()}: B'`),
      );
    case "b-only":
      return eachModule(spec, update.modules, (mu, _, label) => w.values(mu.b, () => `${label()}: B'`));
    case "soft":
      return eachModule(spec, update.modules, (mu, { d, k, rank: r }, label) => {
        w.mask(mu.ranks, r);
        if (w.softComponents(mu.a, mu.b, k, d)) return undefined;
        for (const [j, i] of mu.ranks.entries()) {
          const error =
            w.values(mu.a.subarray(j * k, j * k + k), () => `${label()}: a'_${i}`) ??
            w.values(mu.b.subarray(j * d, j * d + d), () => `${label()}: b'_${i}`);
          if (error !== undefined) return error;
        }
        return undefined;
      });
    case "topk":
      return eachModule(spec, update.modules, (mu, { d, k, rank: r }, label) => {
        const a = topkPositionEncoding(r * k, mu.aIndex).bitmask;
        const b = topkPositionEncoding(d * r, mu.bIndex).bitmask;
        w.u8((a ? TOPK_A_BITMASK : 0) | (b ? TOPK_B_BITMASK : 0));
        w.u32(mu.aIndex.length);
        w.u32(mu.bIndex.length);
        w.positions(mu.aIndex, r * k, a);
        w.positions(mu.bIndex, d * r, b);
        return w.values(mu.aDelta, () => `${label()}: dA`) ?? w.values(mu.bDelta, () => `${label()}: dB`);
      });
  }
}

function writeHeader(view: DataView, spec: AdapterSpec, update: AdapterUpdate, precision: Precision): void {
  UPDATE_MAGIC.forEach((byte, i) => {
    view.setUint8(i, byte);
  });
  view.setUint8(4, UPDATE_CODEC_VERSION);
  view.setUint8(5, kindCode(update.kind));
  view.setUint8(6, bytesPerValue(precision));
  view.setUint8(7, 0);
  view.setUint32(8, update.round, true);
  view.setUint32(12, spec.modules.length, true);
  view.setUint32(16, spec.dense.length, true);
  view.setUint32(20, specFingerprint(spec), true);
}

/** Encodes an update for `spec`; the result is exactly encodedSize(spec, update, precision) bytes long. */
export function encodeUpdate(
  spec: AdapterSpec,
  update: AdapterUpdate,
  precision: Precision,
): Result<Uint8Array, CodecError> {
  const specCheck = checkCodecSpec(spec);
  if (!specCheck.ok) return specCheck;
  const updateCheck = checkUpdate(spec, update);
  if (!updateCheck.ok) return updateCheck;
  const bytes = new Uint8Array(encodedSize(spec, update, precision));
  writeHeader(new DataView(bytes.buffer), spec, update, precision);
  const w = createWriter(bytes, precision);
  let error = writeModules(w, spec, update);
  for (const [t, values] of update.dense.entries()) error ??= w.values(values, () => denseLabel(spec, t));
  return error === undefined ? ok(bytes) : { ok: false, error };
}
