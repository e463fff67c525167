// Exact sizes of encoded updates (docs/protocol.md), so a client can turn a byte budget into a number of soft
// components and the coordinator can derive maxHttpBufferSize. All of them assume a spec checkCodecSpec accepts.
import {
  denseSize,
  type AdapterSpec,
  type AdapterUpdate,
  type LoraModuleSpec,
  type Precision,
  type UpdateKind,
} from "@airlora/core";
import { UPDATE_HEADER_BYTES, INDEX_BYTES, TOPK_COUNTS_BYTES, bytesPerValue, maskBytes } from "./wire-format";

const UPDATE_KINDS: readonly UpdateKind[] = ["dense", "soft", "b-only", "topk"];

function denseValues(spec: AdapterSpec): number {
  return spec.dense.reduce((sum, tensor) => sum + denseSize(tensor), 0);
}

/** What one kept soft rank component (a'_i then b'_i) costs on the wire: (d + k) * bytesPerValue. */
export function softComponentBytes(module: LoraModuleSpec, precision: Precision): number {
  return (module.d + module.k) * bytesPerValue(precision);
}

/**
 * What a soft update pays whatever it keeps: header, one rank bitmask of ceil(r / 8) bytes per module, and the
 * dense tensors. encodedSize(soft) = softOverheadBytes + sum over kept components of softComponentBytes.
 */
export function softOverheadBytes(spec: AdapterSpec, precision: Precision): number {
  const masks = spec.modules.reduce((sum, module) => sum + maskBytes(module.rank), 0);
  return UPDATE_HEADER_BYTES + masks + denseValues(spec) * bytesPerValue(precision);
}

/** What a topk update pays whatever it keeps: header, two u32 counts per module, and the dense tensors. */
export function topkOverheadBytes(spec: AdapterSpec, precision: Precision): number {
  return UPDATE_HEADER_BYTES + spec.modules.length * TOPK_COUNTS_BYTES + denseValues(spec) * bytesPerValue(precision);
}

/** The largest payload of one module for a kind: every rank kept, every topk index sent. */
function maxModuleBytes(module: LoraModuleSpec, kind: UpdateKind, valueBytes: number): number {
  const { d, k, rank: r } = module;
  switch (kind) {
    case "dense":
      return (r * k + d * r) * valueBytes;
    case "soft":
      return maskBytes(r) + r * (d + k) * valueBytes;
    case "b-only":
      return d * r * valueBytes;
    case "topk":
      return TOPK_COUNTS_BYTES + (r * k + d * r) * (INDEX_BYTES + valueBytes);
  }
}

/**
 * The largest legal encoded update of `kind`, or of any kind when none is given (that is topk with every index
 * sent: (4 + bytesPerValue) bytes per LoRA value plus 8 bytes of counts per module).
 */
export function maxEncodedSize(spec: AdapterSpec, precision: Precision, kind?: UpdateKind): number {
  const valueBytes = bytesPerValue(precision);
  const fixed = UPDATE_HEADER_BYTES + denseValues(spec) * valueBytes;
  const ofKind = (of: UpdateKind): number =>
    spec.modules.reduce((sum, module) => sum + maxModuleBytes(module, of, valueBytes), fixed);
  return kind === undefined ? Math.max(...UPDATE_KINDS.map(ofKind)) : ofKind(kind);
}

/**
 * The typed-array bytes a decoded update can hold at most: topk with every index sent (a u32 index and a float32
 * per LoRA value) plus the dense tensors, i.e. at most twice a full float32 adapter. decodeUpdate never returns
 * more, and never more than twice the input length.
 */
export function maxDecodedBytes(spec: AdapterSpec): number {
  const loraValues = spec.modules.reduce((sum, { d, k, rank: r }) => sum + r * k + d * r, 0);
  return loraValues * (INDEX_BYTES + 4) + denseValues(spec) * 4;
}

/** encodeUpdate(spec, update, precision) has exactly this length whenever it succeeds. */
export function encodedSize(spec: AdapterSpec, update: AdapterUpdate, precision: Precision): number {
  const valueBytes = bytesPerValue(precision);
  let size = UPDATE_HEADER_BYTES + denseValues(spec) * valueBytes;
  spec.modules.forEach((module, m) => {
    switch (update.kind) {
      case "dense":
      case "b-only":
        size += maxModuleBytes(module, update.kind, valueBytes);
        break;
      case "soft":
        size += maskBytes(module.rank) + (update.modules[m]?.ranks.length ?? 0) * (module.d + module.k) * valueBytes;
        break;
      case "topk": {
        const entries = (update.modules[m]?.aIndex.length ?? 0) + (update.modules[m]?.bIndex.length ?? 0);
        size += TOPK_COUNTS_BYTES + entries * (INDEX_BYTES + valueBytes);
        break;
      }
    }
  });
  return size;
}
