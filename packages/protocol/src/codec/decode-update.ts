// Bytes -> AdapterUpdate (docs/protocol.md; byte table in packages/protocol/README.md). Never throws, whatever
// the bytes and whatever their byteOffset (value-io.ts never views them unaligned). It allocates values only after
// decode-layout.ts has matched every declared size against the spec, so a decoded update holds at most
// maxDecodedBytes(spec) bytes of typed arrays, and at most 4 times bytes.length.
import { denseSize, ok, type AdapterSpec, type AdapterUpdate, type Precision, type Result } from "@airlora/core";
import { checkCodecSpec } from "./check-spec";
import { denseLabel, moduleLabel, type CodecError } from "./codec-error";
import { readHeader, type DecodeExpectation } from "./decode-header";
import { planLayout, type ModuleLayout } from "./decode-layout";
import { readPositions } from "./topk-positions-io";
import { readValues } from "./value-io";
import { TOPK_MODULE_FIXED_BYTES, UPDATE_HEADER_BYTES, bytesPerValue, maskBytes } from "./wire-format";

export interface DecodedUpdate {
  readonly update: AdapterUpdate;
  readonly precision: Precision;
}

/**
 * A cursor over a body whose layout is already checked. Every array it returns is a view of one fresh buffer of
 * `slots` 4-byte slots (values and topk positions), one allocation per update. The first NaN or Infinity sticks as
 * `error`, after which values are skipped (the offset still advances, so every read stays inside the checked layout).
 */
function createReader(view: DataView, precision: Precision, slots: number) {
  const valueBytes = bytesPerValue(precision);
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const arena = new ArrayBuffer(4 * slots);
  let slot = 0;
  let offset = UPDATE_HEADER_BYTES;
  let error: CodecError | undefined;
  const floats = (count: number): Float32Array => {
    const out = new Float32Array(arena, 4 * slot, count);
    slot += count;
    return out;
  };
  /** `where` names the run in a refusal; it is only called then (labels cost more than short runs). */
  const into = (out: Float32Array, where: () => string): void => {
    const bad = error === undefined ? readValues(bytes, offset, out, precision) : -1;
    if (bad >= 0) {
      const at = offset + valueBytes * bad;
      const seen =
        precision === "fp32"
          ? String(view.getFloat32(at, true))
          : `NaN or Infinity (fp16 bits 0x${view.getUint16(at, true).toString(16)})`;
      error = { code: "not-finite", reason: `${where()}[${bad}] is ${seen}` };
    }
    offset += out.length * valueBytes;
  };
  /** A soft module's kept components (a'_i then b'_i per rank on the wire) gathered per factor and read in one
   * piece each; false, with the offset where it was, when some value is refused (the caller then reads rank by
   * rank, which names the first refused value in wire order). */
  const softComponents = (a: Float32Array, b: Float32Array, k: number, d: number): boolean => {
    if (error !== undefined) return false;
    const kept = a.length / k;
    const wireA = new Uint8Array(a.length * valueBytes);
    const wireB = new Uint8Array(b.length * valueBytes);
    let at = offset;
    for (let j = 0; j < kept; j += 1) {
      wireA.set(bytes.subarray(at, at + k * valueBytes), j * k * valueBytes);
      at += k * valueBytes;
      wireB.set(bytes.subarray(at, at + d * valueBytes), j * d * valueBytes);
      at += d * valueBytes;
    }
    if (readValues(wireA, 0, a, precision) >= 0 || readValues(wireB, 0, b, precision) >= 0) return false;
    offset = at;
    return true;
  };
  return {
    error: () => error,
    skip(bytes: number): void {
      offset += bytes;
    },
    floats,
    into,
    softComponents,
    values(count: number, where: () => string): Float32Array {
      const out = floats(count);
      into(out, where);
      return out;
    },
    /** One factor's positions, already checked by decode-layout.ts. */
    positions(count: number, size: number, bitmask: boolean): Uint32Array {
      const out = new Uint32Array(arena, 4 * slot, count);
      slot += count;
      const read = readPositions(bytes, offset, bytes.length, count, size, bitmask, "", out);
      offset = "end" in read ? read.end : bytes.length;
      return out;
    },
  };
}

/** The 4-byte slots a decoded update takes: its values, and for topk a u32 per position. */
function decodedSlots(spec: AdapterSpec, kind: AdapterUpdate["kind"], layouts: readonly ModuleLayout[]): number {
  let slots = spec.dense.reduce((sum, tensor) => sum + denseSize(tensor), 0);
  for (const [m, { d, k, rank: r }] of spec.modules.entries()) {
    const layout = layouts[m];
    if (kind === "dense") slots += r * k + d * r;
    else if (kind === "b-only") slots += d * r;
    else if (kind === "soft") slots += (layout?.ranks.length ?? 0) * (d + k);
    else slots += 2 * ((layout?.aCount ?? 0) + (layout?.bCount ?? 0));
  }
  return slots;
}

type Reader = ReturnType<typeof createReader>;

function readModules(
  spec: AdapterSpec,
  reader: Reader,
  kind: AdapterUpdate["kind"],
  layouts: readonly ModuleLayout[],
  round: number,
  dense: () => Float32Array[],
): AdapterUpdate {
  const each = <T>(read: (m: number, layout: ModuleLayout, label: () => string) => T): T[] =>
    layouts.map((layout, m) => read(m, layout, () => moduleLabel(spec, m)));
  const shape = (m: number): { d: number; k: number; r: number } => {
    const module = spec.modules[m];
    return { d: module?.d ?? 0, k: module?.k ?? 0, r: module?.rank ?? 0 };
  };
  switch (kind) {
    case "dense": {
      const modules = each((m, _, label) => {
        const { d, k, r } = shape(m);
        return { a: reader.values(r * k, () => `${label()}: A'`), b: reader.values(d * r, () => `${label()}: B'`) };
      });
      return { kind, round, modules, dense: dense() };
    }
    case "b-only": {
      const modules = each((m, _, label) => {
        const { d, r } = shape(m);
        return { b: reader.values(d * r, () => `${label()}: B'`) };
      });
      return { kind, round, modules, dense: dense() };
    }
    case "soft": {
      const modules = each((m, { ranks }, label) => {
        const { d, k, r } = shape(m);
        reader.skip(maskBytes(r));
        const a = reader.floats(ranks.length * k);
        const b = reader.floats(ranks.length * d);
        if (reader.softComponents(a, b, k, d)) return { ranks, a, b };
        for (const [j, i] of ranks.entries()) {
          reader.into(a.subarray(j * k, j * k + k), () => `${label()}: a'_${i}`);
          reader.into(b.subarray(j * d, j * d + d), () => `${label()}: b'_${i}`);
        }
        return { ranks, a, b };
      });
      return { kind, round, modules, dense: dense() };
    }
    case "topk": {
      const modules = each((m, { aCount, bCount, aBitmask, bBitmask }, label) => {
        const { d, k, r } = shape(m);
        reader.skip(TOPK_MODULE_FIXED_BYTES);
        const aIndex = reader.positions(aCount, r * k, aBitmask);
        const bIndex = reader.positions(bCount, d * r, bBitmask);
        return {
          aIndex,
          aDelta: reader.values(aCount, () => `${label()}: dA`),
          bIndex,
          bDelta: reader.values(bCount, () => `${label()}: dB`),
        };
      });
      return { kind, round, modules, dense: dense() };
    }
  }
}

/** Decodes and validates an update for `spec`; any problem comes back as a CodecError with a reason. */
export function decodeUpdate(
  spec: AdapterSpec,
  bytes: Uint8Array,
  expect: DecodeExpectation = {},
): Result<DecodedUpdate, CodecError> {
  const specCheck = checkCodecSpec(spec);
  if (!specCheck.ok) return specCheck;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = readHeader(spec, view, expect);
  if (!header.ok) return header;
  const layouts = planLayout(spec, view, header.value);
  if (!layouts.ok) return layouts;
  const { kind, precision, round } = header.value;
  const reader = createReader(view, precision, decodedSlots(spec, kind, layouts.value));
  const dense = (): Float32Array[] =>
    spec.dense.map((tensor, t) => reader.values(denseSize(tensor), () => denseLabel(spec, t)));
  const update = readModules(spec, reader, kind, layouts.value, round, dense);
  const error = reader.error();
  return error === undefined ? ok({ update, precision }) : { ok: false, error };
}
