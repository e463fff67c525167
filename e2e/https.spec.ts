// Phones reach the coordinator on a LAN address, where plain HTTP is not a secure context and browsers hide WebGPU.
// With --https (the generated self-signed certificate; the test accepts it the way a person does once) the join
// page on the same LAN address is a secure context and gets WebGPU offered; over plain HTTP it says why not.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, expect, test, type Browser } from "@playwright/test";
import { BASE_FLAGS, WEBGPU_FLAGS, findChromium } from "./chromium";

const CLI = new URL("../apps/coordinator/bin/airlora.mjs", import.meta.url).pathname;
const JOIN = "https-e2e-join-token";
const ADMIN = "https-e2e-admin-token";

/** The address a phone on this network would use (not loopback: loopback is a secure context even over HTTP). */
function lanAddress(): string {
  const address = Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .find((a) => a.family === "IPv4" && !a.internal);
  if (address === undefined) throw new Error("this machine has no non-loopback IPv4 address to test a LAN origin on");
  return address.address;
}

function startCoordinator(port: number, https: boolean): { child: ChildProcess; output: () => string } {
  const out = mkdtempSync(join(tmpdir(), "airlora-e2e-https-"));
  const args = ["start", "--host", "0.0.0.0", "--port", String(port), "--model", "nano", "--rank", "4", "--out", out];
  const child = spawn(
    process.execPath,
    [CLI, ...args, "--join-token", JOIN, "--admin-token", ADMIN, ...(https ? ["--https"] : [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

/** Runs in the page (this package has no DOM types). */
const secureContext = (): boolean => (globalThis as unknown as { isSecureContext: boolean }).isSecureContext;

let browser: Browser;
const coordinators: ChildProcess[] = [];

test.beforeAll(async () => {
  browser = await chromium.launch({ executablePath: findChromium(), args: [...BASE_FLAGS, ...WEBGPU_FLAGS] });
});

test.afterAll(async () => {
  for (const child of coordinators) child.kill("SIGTERM");
  await browser.close();
});

test("on a LAN address, --https makes the join page a secure context with WebGPU; plain HTTP says why not", async () => {
  const host = lanAddress();
  const secure = startCoordinator(8443, true);
  const plain = startCoordinator(8182, false);
  coordinators.push(secure.child, plain.child);
  await expect
    .poll(() => secure.output(), { timeout: 60_000 })
    .toMatch(/Certificate SHA-256: ([0-9A-F]{2}:){31}[0-9A-F]{2}/u);
  expect(secure.output()).toContain(`https://${host}:8443/?token=`);

  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(`https://${host}:8443/?token=${JOIN}`);
  expect(await page.evaluate(secureContext)).toBe(true);
  // WebGPU works here; the page times it against the other backends and may train on a faster one.
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "joined", { timeout: 150_000 });
  await expect(page.locator('[data-testid="probe-table"] tr[data-backend="webgpu"]')).toHaveAttribute(
    "data-ok",
    "true",
  );
  // The token left the address bar once the page had read it.
  expect(new URL(page.url()).searchParams.get("token")).toBeNull();

  const insecure = await (await browser.newContext()).newPage();
  await expect.poll(() => plain.output(), { timeout: 60_000 }).toContain("Join");
  await insecure.goto(`http://${host}:8182/?token=${JOIN}`);
  expect(await insecure.evaluate(secureContext)).toBe(false);
  const webgpu = insecure.locator('[data-testid="probe-table"] tr[data-backend="webgpu"]');
  await expect(webgpu).toHaveAttribute("data-ok", "false", { timeout: 60_000 });
  await expect(webgpu.locator("td.reason")).toContainText("secure context");
});
