// `npm run build:kernels`: each .wat of src/kernels -> its generated .ts (kernels-build.ts lists them).
import { writeFileSync } from "node:fs";
import { KERNEL_MODULES, compileKernels, kernelsModuleText } from "./kernels-build";

for (const kernels of KERNEL_MODULES) {
  const bytes = await compileKernels(kernels);
  writeFileSync(kernels.module, kernelsModuleText(kernels, bytes));
  console.log(`wrote ${kernels.module.pathname}: ${String(bytes.length)} bytes of WebAssembly`);
}
