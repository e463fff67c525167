// Exact sizes of encoded updates (docs/protocol.md), so a client can turn a byte budget into a number of soft
// components and the coordinator can derive maxHttpBufferSize. All of them assume a spec checkCodecSpec accepts.
import {
  denseSize,
  positionMaskBytes,
  topkPositionEncoding,
  type AdapterSpec,
  type AdapterUpdate,
  type LoraModuleSpec,
  type Precision,
  type UpdateKind,
} from "@airlora/core";
import {
  DECODED_INDEX_BYTES,
  TOPK_MODULE_FIXED_BYTES,
  UPDATE_HEADER_BYTES,
  bytesPerValue,
  maskBytes,
} from "./wire-format";

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

/**
 * What a topk update pays whatever it keeps: header, per module a flags byte and two u32 counts, and the dense
 * tensors. encodedSize(topk) = topkOverheadBytes + per factor its position bytes (the smaller of bitmask and gaps,
 * core's topkPositionEncoding) + bytesPerValue per kept element.
 */
export function topkOverheadBytes(spec: AdapterSpec, precision: Precision): number {
  return (
    UPDATE_HEADER_BYTES + spec.modules.length * TOPK_MODULE_FIXED_BYTES + denseValues(spec) * bytesPerValue(precision)
  );
}

/** The largest payload of one module for a kind: every rank kept, every topk element sent (both bitmasks). */
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
      return (
        TOPK_MODULE_FIXED_BYTES + positionMaskBytes(r * k) + positionMaskBytes(d * r) + (r * k + d * r) * valueBytes
      );
  }
}

/**
 * The largest legal encoded update of `kind`, or of any kind when none is given (that is topk with every element
 * sent: a dense update plus, per module, 9 bytes of flags and counts and a bitmask of each factor).
 */
export function maxEncodedSize(spec: AdapterSpec, precision: Precision, kind?: UpdateKind): number {
  const valueBytes = bytesPerValue(precision);
  const fixed = UPDATE_HEADER_BYTES + denseValues(spec) * valueBytes;
  const ofKind = (of: UpdateKind): number =>
    spec.modules.reduce((sum, module) => sum + maxModuleBytes(module, of, valueBytes), fixed);
  return kind === undefined ? Math.max(...UPDATE_KINDS.map(ofKind)) : ofKind(kind);
}

/**
 * The typed-array bytes a decoded update can hold at most: topk with every element sent (a u32 position and a
 * float32 per LoRA value) plus the dense tensors, i.e. at most twice a full float32 adapter. decodeUpdate never
 * returns more, and never more than 4 times the input length (a topk element takes at least 2 + 1/8 bytes on the
 * wire and 8 decoded).
 */
export function maxDecodedBytes(spec: AdapterSpec): number {
  const loraValues = spec.modules.reduce((sum, { d, k, rank: r }) => sum + r * k + d * r, 0);
  return loraValues * (DECODED_INDEX_BYTES + 4) + denseValues(spec) * 4;
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
        const { d, k, rank: r } = module;
        const mu = update.modules[m];
        const aIndex = mu?.aIndex ?? [];
        const bIndex = mu?.bIndex ?? [];
        size += TOPK_MODULE_FIXED_BYTES + (aIndex.length + bIndex.length) * valueBytes;
        size += topkPositionEncoding(r * k, aIndex).bytes + topkPositionEncoding(d * r, bIndex).bytes;
        break;
      }
    }
  });
  return size;
}
