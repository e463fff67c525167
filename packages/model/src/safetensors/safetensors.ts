// The safetensors file format, read and written on plain bytes so it works in browsers and Node alike:
// 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]},
// "__metadata__"?: {string: string}}, then the tensor bytes (offsets relative to the end of the header).
// We write F32; we read F32, F16 and BF16 (as found in GPT-2-family checkpoints) into Float32Array.
import { fail, ok, type NamedTensor, type Result } from "@airlora/core";
import { decodeUtf8Strict, encodeUtf8 } from "../text-codec";

// One tensor type for adapters (core) and files (here), so an adapter read from a file needs no conversion.
export type { NamedTensor };

export type TensorMap = ReadonlyMap<string, NamedTensor>;

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const BYTES_PER_DTYPE = { F32: 4, F16: 2, BF16: 2 } as const;
type Dtype = keyof typeof BYTES_PER_DTYPE;

export function writeSafetensors(tensors: TensorMap, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  // Entries, not assignments: `header[name] = ...` with the name "__proto__" sets the prototype and the tensor
  // vanishes from the JSON; Object.fromEntries defines own properties whatever the name.
  const entries: [string, unknown][] = Object.keys(metadata).length > 0 ? [["__metadata__", metadata]] : [];
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const tensor = tensors.get(name);
    if (tensor === undefined) continue;
    const bytes = tensor.data.length * 4;
    entries.push([name, { dtype: "F32", shape: tensor.shape, data_offsets: [offset, offset + bytes] }]);
    offset += bytes;
  }
  let json = encodeUtf8(JSON.stringify(Object.fromEntries(entries)));
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const spaced = new Uint8Array(padded).fill(0x20);
    spaced.set(json);
    json = spaced;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const name of names) {
    const tensor = tensors.get(name);
    if (tensor === undefined) continue;
    for (let i = 0; i < tensor.data.length; i += 1) {
      view.setFloat32(at, tensor.data[i] ?? 0, true);
      at += 4;
    }
  }
  return out;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, NamedTensor>;
  readonly metadata: Record<string, string>;
}

/** Parses a safetensors file; every offset, size and dtype is checked, nothing throws. */
export function readSafetensors(bytes: Uint8Array): Result<SafetensorsFile> {
  if (bytes.length < 8) return bad("file shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    return bad(`header length ${String(headerLength)} does not fit in a ${String(bytes.length)}-byte file`);
  }
  let header: unknown;
  try {
    header = JSON.parse(decodeUtf8Strict(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    return bad(`header is not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return bad("header is not an object");
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const spans: [number, number, string][] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      const parsed = parseMetadata(entry);
      if (!parsed.ok) return parsed;
      metadata = parsed.value;
      continue;
    }
    const parsed = parseEntry(name, entry, dataLength);
    if (!parsed.ok) return parsed;
    const { dtype, shape, begin, end } = parsed.value;
    // An empty tensor occupies no bytes, so it cannot overlap another (its span may sit inside one's).
    if (end > begin) spans.push([begin, end, name]);
    tensors.set(name, {
      shape,
      data: decodeValues(view, dataStart + begin, (end - begin) / BYTES_PER_DTYPE[dtype], dtype),
    });
  }
  spans.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < spans.length; i += 1) {
    const previous = spans[i - 1];
    const current = spans[i];
    if (previous !== undefined && current !== undefined && current[0] < previous[1]) {
      return bad(`tensors ${previous[2]} and ${current[2]} overlap`);
    }
  }
  return ok({ tensors, metadata });
}

function parseMetadata(entry: unknown): Result<Record<string, string>> {
  if (typeof entry !== "object" || entry === null) return bad("__metadata__ is not an object");
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof value !== "string") return bad(`__metadata__.${key} is not a string`);
    pairs.push([key, value]);
  }
  return ok(Object.fromEntries(pairs)); // own properties, a key "__proto__" included
}

function parseEntry(
  name: string,
  entry: unknown,
  dataLength: number,
): Result<{ dtype: Dtype; shape: number[]; begin: number; end: number }> {
  if (typeof entry !== "object" || entry === null) return bad(`${name}: entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16") {
    return bad(`${name}: dtype ${String(dtype)} is not supported (F32, F16, BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    return bad(`${name}: shape must be a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((n) => Number.isSafeInteger(n))) {
    return bad(`${name}: data_offsets must be two integers`);
  }
  const [begin, end] = offsets as [number, number];
  const count = (shape as number[]).reduce((product, n) => product * n, 1);
  if (begin < 0 || end < begin || end > dataLength)
    return bad(`${name}: data_offsets [${String(begin)}, ${String(end)}] out of bounds`);
  if (end - begin !== count * BYTES_PER_DTYPE[dtype]) {
    return bad(`${name}: ${String(end - begin)} bytes for shape [${(shape as number[]).join(", ")}] of ${dtype}`);
  }
  return ok({ dtype, shape: shape as number[], begin, end });
}

function decodeValues(view: DataView, at: number, count: number, dtype: Dtype): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    if (dtype === "F32") out[i] = view.getFloat32(at + 4 * i, true);
    else if (dtype === "BF16") out[i] = bf16ToFloat(view.getUint16(at + 2 * i, true));
    else out[i] = f16ToFloat(view.getUint16(at + 2 * i, true));
  }
  return out;
}

const scratch = new DataView(new ArrayBuffer(4));

function bf16ToFloat(bits: number): number {
  scratch.setUint32(0, bits << 16);
  return scratch.getFloat32(0);
}

function f16ToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function bad(reason: string): { ok: false; error: { code: string; reason: string } } {
  return fail({ code: "bad-safetensors", reason });
}
