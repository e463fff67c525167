// Walking skeleton: three devices join, the dashboard sees them with their backends, a reload keeps its identity,
// and a malformed client is refused without disturbing anyone.
import { type Browser, type Page, chromium, expect, test } from "@playwright/test";
import { io, type Socket } from "socket.io-client";
import { ErrorMessage, Health, PROTOCOL_VERSION } from "@airlora/protocol";
import { BASE_FLAGS, findChromium } from "./chromium";
import { DASHBOARD_URL, E2E_JOIN_TOKEN, E2E_ORIGIN, JOIN_URL } from "./coordinator";

async function openParticipant(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(JOIN_URL);
  // Choosing a backend times a LoRA step on each that works: on SwiftShader, WebGPU compiles shaders for seconds.
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "joined", { timeout: 150_000 });
  return page;
}

async function clientIdOf(page: Page): Promise<string> {
  const id = await page.getByTestId("client-id").textContent();
  expect(id).toMatch(/^c-[0-9a-f]{12}$/u);
  return id ?? "";
}

function nextMessage(socket: Socket, event: string): Promise<unknown> {
  return new Promise((resolve) => socket.once(event, resolve));
}

test("three devices join, the dashboard lists them, reload keeps identity, a malformed client is refused", async ({
  browser,
}) => {
  // Two devices without WebGPU (a browser launched without the flag), one with it (the default fixture).
  const plainBrowser = await chromium.launch({ executablePath: findChromium(), args: BASE_FLAGS });
  try {
    const dashboard = await (await browser.newContext()).newPage();
    await dashboard.goto(DASHBOARD_URL);
    await expect(dashboard.getByTestId("dashboard-live")).toBeVisible();

    const [first, second, gpu] = await Promise.all([
      openParticipant(plainBrowser),
      openParticipant(plainBrowser),
      openParticipant(browser),
    ]);
    const ids = await Promise.all([first, second, gpu].map(clientIdOf));
    expect(new Set(ids).size).toBe(3);

    await test.step("the WebGPU tab times webgpu and trains on the fastest backend; the others say why WebGPU failed", async () => {
      const webgpu = gpu.locator('[data-testid="probe-table"] tr[data-backend="webgpu"]');
      await expect(webgpu).toHaveAttribute("data-ok", "true");
      await expect(webgpu).toHaveAttribute("data-step-ms", /^\d/u);
      const chosen = (await gpu.getByTestId("backend").textContent()) ?? "";
      await expect(gpu.locator(`[data-testid="probe-table"] tr[data-backend="${chosen}"]`)).toHaveAttribute(
        "data-verdict",
        "chosen",
      );
      for (const page of [first, second]) {
        await expect(page.getByTestId("backend")).toHaveText(/^(webgl|wasm|cpu)$/u);
        const webgpuRow = page.locator('[data-testid="probe-table"] tr[data-backend="webgpu"]');
        await expect(webgpuRow).toHaveAttribute("data-ok", "false");
        await expect(webgpuRow.locator("td.reason")).not.toBeEmpty();
      }
    });

    await test.step("the dashboard lists the three clients with their backends", async () => {
      await expect(dashboard.getByTestId("connected-count")).toHaveAttribute("data-count", "3");
      for (const [i, page] of [first, second, gpu].entries()) {
        const backend = (await page.getByTestId("backend").textContent()) ?? "";
        const row = dashboard.locator(`[data-testid="client-row"][data-client-id="${ids[i] ?? ""}"]`);
        await expect(row).toHaveAttribute("data-connected", "true");
        await expect(row).toHaveAttribute("data-backend", backend);
      }
    });

    await test.step("a reloaded tab keeps its clientId", async () => {
      await first.reload();
      await expect(first.getByTestId("connection-state")).toHaveAttribute("data-state", "joined");
      await expect(first.getByTestId("connection-state")).toHaveText("connected (resumed)");
      expect(await clientIdOf(first)).toBe(ids[0]);
      await expect(dashboard.getByTestId("client-row")).toHaveCount(3);
      await expect(dashboard.getByTestId("connected-count")).toHaveAttribute("data-count", "3");
    });

    await test.step("a raw client with a malformed hello gets an error; the tabs stay connected", async () => {
      const raw = io(`${E2E_ORIGIN}/client`, { auth: { token: E2E_JOIN_TOKEN }, transports: ["websocket"] });
      try {
        await nextMessage(raw, "connect");
        const refused = nextMessage(raw, "error");
        raw.emit("hello", { protocolVersion: PROTOCOL_VERSION, backend: "quantum", probe: "none" });
        const error = ErrorMessage.parse(await refused);
        expect(error.code).toBe("bad-message");
        expect(error.reason).toMatch(/backend/u);

        const unknown = nextMessage(raw, "error");
        raw.emit("upload-everything", new Uint8Array(16));
        expect(ErrorMessage.parse(await unknown).code).toBe("unknown-message");
        expect(raw.connected).toBe(true);
      } finally {
        raw.disconnect();
      }

      const intruder = io(`${E2E_ORIGIN}/client`, { auth: { token: "wrong-token" }, transports: ["websocket"] });
      const refusal = (await nextMessage(intruder, "connect_error")) as Error;
      expect(refusal.message).toMatch(/^bad-token/u);
      intruder.disconnect();

      for (const page of [first, second, gpu]) {
        await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "joined");
      }
      // The dashboard counts each refusal by its code: the bad hello, the unknown message, the wrong token.
      const refusals = dashboard.getByTestId("refusals");
      await expect(refusals.locator('[data-code="bad-message"]')).toHaveAttribute("data-count", /^[1-9]/u);
      await expect(refusals.locator('[data-code="unknown-message"]')).toHaveAttribute("data-count", /^[1-9]/u);
      await expect(refusals.locator('[data-code="bad-token"]')).toHaveAttribute("data-count", /^[1-9]/u);
      await expect(dashboard.getByTestId("connected-count")).toHaveAttribute("data-count", "3");
      const health = Health.parse(await (await fetch(`${E2E_ORIGIN}/api/health`)).json());
      expect(health).toMatchObject({ ok: true, clients: 3 });
      // The tabs train now (e2e/participant-page.spec.ts follows a run to its end); here the run may be anywhere.
      expect(["idle", "waiting", "running"]).toContain(health.state);
    });
  } finally {
    await plainBrowser.close();
  }
});
