// The binary update codec (docs/protocol.md). Start at encode-update.ts and decode-update.ts.
export { CODEC_ERROR_CODES, type CodecError, type CodecErrorCode } from "./codec-error";
export { MAX_UPDATE_BYTES, checkCodecSpec } from "./check-spec";
export { type DecodeExpectation } from "./decode-header";
export { decodeUpdate, type DecodedUpdate } from "./decode-update";
export { encodeUpdate } from "./encode-update";
export { FP16_MAX, float16BitsToFloat32, float32ToFloat16Bits } from "./float16";
export { specFingerprint } from "./spec-fingerprint";
export {
  encodedSize,
  maxDecodedBytes,
  maxEncodedSize,
  softComponentBytes,
  softOverheadBytes,
  topkOverheadBytes,
} from "./update-size";
export { UPDATE_CODEC_VERSION, UPDATE_HEADER_BYTES, UPDATE_MAGIC } from "./wire-format";
