// Browser checks that explain why a backend cannot run before tfjs tries it (tfjs itself only says "false").
import type { Preflight } from "@airlora/model";

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

const webgpu: Preflight = async () => {
  const gpu = (navigator as { gpu?: GpuLike }).gpu;
  if (gpu === undefined) {
    return isSecureContext
      ? "navigator.gpu is missing: this browser has no WebGPU or it is switched off"
      : "WebGPU needs a secure context: open the page over HTTPS (or on localhost)";
  }
  const adapter = await gpu.requestAdapter();
  return adapter === null ? "no WebGPU adapter: the GPU is unavailable or blocklisted" : null;
};

const webgl: Preflight = () => {
  if (typeof OffscreenCanvas === "undefined") return Promise.resolve("no OffscreenCanvas in workers");
  const canvas = new OffscreenCanvas(1, 1);
  const context = canvas.getContext("webgl2") ?? canvas.getContext("webgl");
  return Promise.resolve(context === null ? "no WebGL context: the GPU is unavailable or blocklisted" : null);
};

const wasm: Preflight = () => Promise.resolve(typeof WebAssembly === "undefined" ? "WebAssembly is unavailable" : null);

export const browserPreflights = { webgpu, webgl, wasm };
