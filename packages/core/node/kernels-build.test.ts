import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KERNELS_MODULE, compileKernels, kernelsModuleText } from "./kernels-build";

describe("vector kernels build", () => {
  it("carries exactly the bytes kernels.wat compiles to (run `npm run build:kernels` after editing the source)", async () => {
    const bytes = await compileKernels();
    expect(readFileSync(KERNELS_MODULE, "utf8")).toBe(kernelsModuleText(bytes));
  });
});
