// Compiles the WebAssembly text modules of packages/core/src/kernels/ to the bytes their TypeScript twins carry (wabt,
// a dev dependency: nothing compiles at run time). `npm run build:kernels` (build-kernels.ts) rewrites the files;
// kernels-build.test.ts fails when the committed bytes are not what the sources compile to.
import { readFileSync } from "node:fs";
import wabt from "wabt";

const here = new URL("../src/kernels/", import.meta.url);

export interface KernelModule {
  /** The .wat source. */
  readonly source: URL;
  /** The generated .ts file that carries its bytes. */
  readonly module: URL;
  /** The exported constant's name. */
  readonly constant: string;
}

export const KERNEL_MODULES: readonly KernelModule[] = [
  { source: new URL("kernels.wat", here), module: new URL("kernels-wasm.ts", here), constant: "KERNELS_WASM_HEX" },
  {
    source: new URL("batched-matmul.wat", here),
    module: new URL("batched-matmul-wasm.ts", here),
    constant: "BATCHED_MATMUL_WASM_HEX",
  },
];

export async function compileKernels(kernels: KernelModule): Promise<Uint8Array> {
  const tools = await wabt();
  const parsed = tools.parseWat(sourceName(kernels), readFileSync(kernels.source, "utf8"), { simd: true });
  try {
    parsed.validate();
    return Uint8Array.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

export function kernelsModuleText(kernels: KernelModule, bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return [
    `// Generated from ${sourceName(kernels)} by \`npm run build:kernels\`; do not edit (kernels-build.test.ts checks the two agree).`,
    "// The module's bytes as hex: a string prettier leaves alone, decoded once at load.",
    `export const ${kernels.constant} =\n  "${hex}";`,
    "",
  ].join("\n");
}

/** The .wat's file name. */
function sourceName(kernels: KernelModule): string {
  return kernels.source.pathname.split("/").pop() ?? "";
}
