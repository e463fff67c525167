// Everything a worker needs before tfjs can train: all backends registered, gradients registered (tfjs-core alone
// registers none), and the wasm binaries located through Vite-emitted URLs.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { env } from "@tensorflow/tfjs-core";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import wasmPlain from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url";
import wasmSimd from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url";
import wasmThreaded from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url";

setWasmPaths({
  "tfjs-backend-wasm.wasm": wasmPlain,
  "tfjs-backend-wasm-simd.wasm": wasmSimd,
  "tfjs-backend-wasm-threaded-simd.wasm": wasmThreaded,
});

// The threaded wasm build starts its pthread workers from blob URLs that lose the bundle's scope under Vite
// ("e is not defined" in every pthread worker, and the backend never initialises). Single-threaded SIMD wasm
// works everywhere; each participant already trains in its own worker.
env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
