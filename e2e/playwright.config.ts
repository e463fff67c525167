import { defineConfig } from "@playwright/test";
import { BASE_FLAGS, WEBGPU_FLAGS, findChromium } from "./chromium";
import { E2E_ADMIN_TOKEN, E2E_JOIN_TOKEN, E2E_ORIGIN, E2E_PORT } from "./coordinator";

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  timeout: 180_000,
  expect: { timeout: 60_000 },
  // The tests share one coordinator and this machine has two cores: run them one at a time.
  workers: 1,
  fullyParallel: false,
  reporter: [["list"]],
  use: {
    browserName: "chromium",
    launchOptions: { executablePath: findChromium(), args: [...BASE_FLAGS, ...WEBGPU_FLAGS] },
    trace: "retain-on-failure",
  },
  webServer: {
    command: `node ../apps/coordinator/bin/airlora.mjs start --host 127.0.0.1 --port ${String(E2E_PORT)} --join-token ${E2E_JOIN_TOKEN} --admin-token ${E2E_ADMIN_TOKEN}`,
    url: `${E2E_ORIGIN}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
