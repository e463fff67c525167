// Which Chromium the e2e tests drive: $AIRLORA_CHROMIUM, then Debian's /usr/bin/chromium, then Playwright's own
// download. Nothing found is a hard error that says how to get one.
import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

export function findChromium(): string {
  const fromEnv = process.env.AIRLORA_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!existsSync(fromEnv)) throw new Error(`AIRLORA_CHROMIUM=${fromEnv} does not exist`);
    return fromEnv;
  }
  if (existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  const bundled = chromium.executablePath();
  if (existsSync(bundled)) return bundled;
  throw new Error(
    "No Chromium found for the e2e tests. Install one: `sudo apt-get install -y chromium` (Debian/Ubuntu), or " +
      "`npx playwright install chromium`, or point AIRLORA_CHROMIUM at a Chromium/Chrome binary.",
  );
}

/** Flags that keep Chromium quiet on a closed network (docs/platform.md section 2). */
export const BASE_FLAGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
];

/** WebGPU through SwiftShader when the machine has no GPU. */
export const WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader"];
