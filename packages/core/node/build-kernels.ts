// `npm run build:kernels`: kernels.wat -> kernels-wasm.ts.
import { writeFileSync } from "node:fs";
import { KERNELS_MODULE, compileKernels, kernelsModuleText } from "./kernels-build";

const bytes = await compileKernels();
writeFileSync(KERNELS_MODULE, kernelsModuleText(bytes));
console.log(`wrote ${KERNELS_MODULE.pathname}: ${String(bytes.length)} bytes of WebAssembly`);
