// Numerical parity (docs/testing.md section 8): one LoRA training step on WebGPU gives the same loss and gradients as
// on the cpu backend, in a real Chromium worker. A row only counts when tfjs says the step ran on the backend named
// and every gradient came back (compareStep in @airlora/model refuses no, missing, misshapen or all-zero gradients).
import { expect, test } from "@playwright/test";
import { E2E_ORIGIN } from "./coordinator";

const TOLERANCE = 1e-3;

test("a LoRA step on webgpu (and wasm, webgl) matches cpu within 1e-3 relative", async ({ page }) => {
  await page.goto(`${E2E_ORIGIN}/lab?run=parity&backends=webgpu,webgl,wasm`);
  await expect(page.getByTestId("lab-status")).toHaveAttribute("data-state", "done", { timeout: 150_000 });
  const rows = page.getByTestId("parity-row");
  await expect(rows).toHaveCount(3);
  const webgpu = page.locator('[data-testid="parity-row"][data-backend="webgpu"]');
  await expect(webgpu).toHaveAttribute("data-ok", "true");
  for (const backend of ["webgpu", "webgl", "wasm"]) {
    const row = page.locator(`[data-testid="parity-row"][data-backend="${backend}"]`);
    if ((await row.getAttribute("data-ok")) !== "true") {
      expect(backend, `only webgl may be missing here (no GPU for WebGL)`).toBe("webgl");
      continue;
    }
    // The step ran where it was asked to and returned every gradient (both were unchecked before).
    await expect(row).toHaveAttribute("data-ran-on", backend);
    expect(Number(await row.getAttribute("data-gradients")), `${backend} gradients returned`).toBeGreaterThan(0);
    const lossDiff = Number(await row.getAttribute("data-loss-diff"));
    const gradDiff = Number(await row.getAttribute("data-grad-diff"));
    expect(lossDiff, `${backend} loss`).toBeLessThan(TOLERANCE);
    expect(gradDiff, `${backend} gradients`).toBeLessThan(TOLERANCE);
  }
});
