// Compiles packages/core/src/kernels/kernels.wat to the bytes kernels-wasm.ts carries (wabt, a dev dependency:
// nothing compiles at run time). `npm run build:kernels` (build-kernels.ts) rewrites the file; kernels-build.test.ts fails when the
// committed bytes are not what the source compiles to.
import { readFileSync } from "node:fs";
import wabt from "wabt";

const here = new URL("../src/kernels/", import.meta.url);
export const KERNELS_SOURCE = new URL("kernels.wat", here);
export const KERNELS_MODULE = new URL("kernels-wasm.ts", here);

export async function compileKernels(): Promise<Uint8Array> {
  const tools = await wabt();
  const parsed = tools.parseWat("kernels.wat", readFileSync(KERNELS_SOURCE, "utf8"), { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export function kernelsModuleText(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return [
    "// Generated from kernels.wat by `npm run build:kernels`; do not edit (kernels-build.test.ts checks the two agree).",
    "// The module's bytes as hex: a string prettier leaves alone, decoded once at load.",
    `export const KERNELS_WASM_HEX =\n  "${hex}";`,
    "",
  ].join("\n");
}
