// The codec's guard on the spec it is given (it usually comes from a manifest or a config): integer sizes, rank at
// least 1, and a largest update small enough that every size is an exact integer and every topk index a u32.
import { ok, type AdapterSpec, type Result } from "@airlora/core";
import { codecFail, denseLabel, moduleLabel, type CodecError } from "./codec-error";
import { maxEncodedSize } from "./update-size";

/** No spec may allow an encoded update beyond 2 GiB - 1 (an adapter is a few MB; this keeps all sizes exact). */
export const MAX_UPDATE_BYTES = 2 ** 31 - 1;

const isCount = (value: unknown, min: number): boolean =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= MAX_UPDATE_BYTES;

// Specs are immutable values (every field readonly): one that passed once passes again, so encoding and decoding a
// stream of updates checks their spec once.
const accepted = new WeakSet<AdapterSpec>();

export function checkCodecSpec(spec: AdapterSpec): Result<void, CodecError> {
  if (accepted.has(spec)) return ok(undefined);
  const checked = checkSpecFields(spec);
  if (checked.ok) accepted.add(spec);
  return checked;
}

function checkSpecFields(spec: AdapterSpec): Result<void, CodecError> {
  for (const [m, module] of spec.modules.entries()) {
    if (typeof module.name !== "string") return codecFail("bad-spec", `${moduleLabel(spec, m)}: name is not a string`);
    for (const field of ["d", "k", "rank"] as const) {
      if (!isCount(module[field], 1)) {
        return codecFail(
          "bad-spec",
          `${moduleLabel(spec, m)}: ${field}=${String(module[field])} is not a positive integer`,
        );
      }
    }
  }
  for (const [t, tensor] of spec.dense.entries()) {
    if (typeof tensor.name !== "string") return codecFail("bad-spec", `${denseLabel(spec, t)}: name is not a string`);
    if (!tensor.shape.every((dim) => isCount(dim, 0))) {
      return codecFail("bad-spec", `${denseLabel(spec, t)}: shape [${tensor.shape.join(", ")}] is not a list of sizes`);
    }
  }
  if (!Number.isFinite(spec.alpha)) return codecFail("bad-spec", `alpha=${String(spec.alpha)} is not finite`);
  const largest = maxEncodedSize(spec, "fp32");
  if (!(largest <= MAX_UPDATE_BYTES)) {
    return codecFail("bad-spec", `the largest update would take ${largest} bytes, more than ${MAX_UPDATE_BYTES}`);
  }
  return ok(undefined);
}
