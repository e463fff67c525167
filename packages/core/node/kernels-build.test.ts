import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KERNEL_MODULES, compileKernels, kernelsModuleText } from "./kernels-build";

describe("vector kernels build", () => {
  for (const kernels of KERNEL_MODULES) {
    it(`${kernels.module.pathname.split("/").pop() ?? ""} carries exactly the bytes its .wat compiles to (run \`npm run build:kernels\` after editing the source)`, async () => {
      const bytes = await compileKernels(kernels);
      expect(readFileSync(kernels.module, "utf8")).toBe(kernelsModuleText(kernels, bytes));
    });
  }
});
