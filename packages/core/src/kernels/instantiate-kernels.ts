// A SIMD kernel module from the hex its generated .ts carries, or undefined where WebAssembly or its SIMD is missing
// (callers then keep their scalar or tfjs paths).

/** Only the part of the WebAssembly API used here (core's lib has no platform types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

/** The module's exports (the caller, who knows its .wat, types them), or undefined. */
export function instantiateKernels(hex: string): unknown {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  try {
    // validate() is false, not a throw, where SIMD is unsupported.
    if (!wasm.validate(bytes)) return undefined;
    return new wasm.Instance(new wasm.Module(bytes), {}).exports;
  } catch {
    return undefined;
  }
}
