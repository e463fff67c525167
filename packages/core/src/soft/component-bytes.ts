// What SOFT's components cost on the wire (docs/algorithms.md section 3.3): a kept rank component sends a'_i (k values)
// and b'_i (d values) at the update's precision. The codec's header and rank bitmask are not counted here.
import type { LoraModuleSpec } from "../lora/adapter-spec";
import type { Precision } from "../update/adapter-update";

export function bytesPerValue(precision: Precision): number {
  switch (precision) {
    case "fp16":
      return 2;
    case "fp32":
      return 4;
    default:
      return precision satisfies never;
  }
}

/** (d + k) * bytesPerValue: the bytes of one rank component (a'_i, b'_i) of this module. */
export function componentBytes(module: LoraModuleSpec, precision: Precision): number {
  return (module.d + module.k) * bytesPerValue(precision);
}
