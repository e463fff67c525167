// First step of decoding (docs/protocol.md): the 24-byte header, checked against the spec and the caller's
// expectations before anything else is read. Order: the expected maximum size, magic, length, version, kind,
// precision, reserved byte, module and dense counts, fingerprint, then the expected round, kind and precision.
import { ok, type AdapterSpec, type Precision, type Result, type UpdateKind } from "@airlora/core";
import { codecFail, type CodecError } from "./codec-error";
import { specFingerprint } from "./spec-fingerprint";
import { UPDATE_HEADER_BYTES, UPDATE_CODEC_VERSION, UPDATE_MAGIC, kindOfCode, precisionOfCode } from "./wire-format";

/** What the receiver requires of an update beyond fitting the spec. */
export interface DecodeExpectation {
  /** The round being collected; an update for any other round is refused. */
  readonly round?: number;
  /** The kind the run's aggregation rule takes (UPDATE_KIND_OF_RULE). */
  readonly kind?: UpdateKind;
  /** The run's precision: a client told to send fp16 cannot send fp32 (or the other way round). */
  readonly precision?: Precision;
  /** The sender's byte budget: a longer buffer is refused before any of it is read. */
  readonly maxBytes?: number;
}

export interface UpdateHeader {
  readonly kind: UpdateKind;
  readonly precision: Precision;
  readonly round: number;
}

const hex = (value: number, digits: number): string => `0x${value.toString(16).padStart(digits, "0")}`;

export function readHeader(
  spec: AdapterSpec,
  view: DataView,
  expect: DecodeExpectation,
): Result<UpdateHeader, CodecError> {
  const length = view.byteLength;
  if (expect.maxBytes !== undefined && length > expect.maxBytes) {
    return codecFail("over-budget", `${length} bytes, more than the ${expect.maxBytes} of the sender's byte budget`);
  }
  const magicBytes = Math.min(UPDATE_MAGIC.length, length);
  for (let i = 0; i < magicBytes; i += 1) {
    if (view.getUint8(i) !== UPDATE_MAGIC[i]) {
      const seen = Array.from({ length: magicBytes }, (_, j) => hex(view.getUint8(j), 2)).join(" ");
      return codecFail("bad-magic", `not an AirLoRA update: it starts ${seen}, expected "ALRU" (0x41 0x4c 0x52 0x55)`);
    }
  }
  if (length < UPDATE_HEADER_BYTES) {
    return codecFail("truncated", `${length} bytes, shorter than the ${UPDATE_HEADER_BYTES}-byte header`);
  }
  const version = view.getUint8(4);
  if (version !== UPDATE_CODEC_VERSION) {
    return codecFail(
      "bad-version",
      `update format version ${version}, this decoder reads version ${UPDATE_CODEC_VERSION}`,
    );
  }
  const kind = kindOfCode(view.getUint8(5));
  if (kind === undefined) {
    return codecFail("bad-kind", `unknown update kind code ${view.getUint8(5)} (1 dense, 2 soft, 3 b-only, 4 topk)`);
  }
  const precision = precisionOfCode(view.getUint8(6));
  if (precision === undefined) {
    return codecFail("bad-precision", `unknown precision code ${view.getUint8(6)} (2 fp16, 4 fp32)`);
  }
  if (view.getUint8(7) !== 0) return codecFail("bad-header", `reserved header byte 7 is ${view.getUint8(7)}, not 0`);
  const round = view.getUint32(8, true);
  const moduleCount = view.getUint32(12, true);
  if (moduleCount !== spec.modules.length) {
    return codecFail(
      "spec-mismatch",
      `the update has ${moduleCount} LoRA modules, this model's spec has ${spec.modules.length}`,
    );
  }
  const denseCount = view.getUint32(16, true);
  if (denseCount !== spec.dense.length) {
    return codecFail(
      "spec-mismatch",
      `the update has ${denseCount} dense tensors, this model's spec has ${spec.dense.length}`,
    );
  }
  const fingerprint = view.getUint32(20, true);
  const expected = specFingerprint(spec);
  if (fingerprint !== expected) {
    return codecFail(
      "spec-mismatch",
      `spec fingerprint ${hex(fingerprint, 8)} is not this model's ${hex(expected, 8)}: the update was made for another ` +
        `adapter spec (module names, shapes, ranks, dense tensors or alpha differ)`,
    );
  }
  if (expect.round !== undefined && round !== expect.round) {
    return codecFail("wrong-round", `the update answers round ${round}, expected round ${expect.round}`);
  }
  if (expect.kind !== undefined && kind !== expect.kind) {
    return codecFail("wrong-kind", `a ${kind} update, this run's rule takes ${expect.kind} updates`);
  }
  if (expect.precision !== undefined && precision !== expect.precision) {
    return codecFail("wrong-precision", `values in ${precision}, this run sends ${expect.precision}`);
  }
  return ok({ kind, precision, round });
}
