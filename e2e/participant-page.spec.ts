// The participant page as people use it: two phones (a Pixel 7 and an iPhone, emulated in Chromium, wasm forced)
// join by URL, train a classification run of two LoRA rounds to its end in their workers, and show every round's
// progress and outcome; a reload before the run starts rejoins as the same client and downloads neither the model
// nor the shard again; both pages fit their screens; a wrong token says what to do. The coordinator is this
// spec's own (the real CLI), so its run and its per-address token limits are nobody else's.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { RoundLogLine } from "@airlora/protocol";
import { spawnCli, waitForHealth, type CliProcess } from "./cli-process";
import { READY_ACTIVITY, openParticipant, phone } from "./participant-tab";

const PORT = Number(process.env.AIRLORA_PAGE_E2E_PORT ?? 8281);
const ORIGIN = `http://127.0.0.1:${String(PORT)}`;
const JOIN = "page-e2e-join-token";
const ADMIN = "page-e2e-admin-token";
const JOIN_URL = `${ORIGIN}/?token=${JOIN}&backend=wasm`;
const ROUNDS = 2;

let coordinator: CliProcess | undefined;

test.beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "airlora-e2e-page-"));
  coordinator = spawnCli([
    ...["start", "--model", "nano", "--task", "spam", "--rank", "4", "--rounds", String(ROUNDS)],
    ...["--min-clients", "2", "--shards", "2", "--local-steps", "5", "--host", "127.0.0.1"],
    ...["--port", String(PORT), "--join-token", JOIN, "--admin-token", ADMIN, "--out", out],
  ]);
  await waitForHealth(ORIGIN);
});

test.afterAll(() => {
  coordinator?.child.kill("SIGTERM");
});

// eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern for the fixtures
test.afterEach(({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus)
    console.log(`coordinator output:\n${coordinator?.output().slice(-4000) ?? ""}`);
});

async function adminJson(path: string): Promise<unknown> {
  const response = await fetch(`${ORIGIN}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(response.ok).toBe(true);
  return response.json();
}

/** What a phone does when another app comes to the front: the page's visibility changes (Playwright keeps headless
 * pages visible, so the change is made in the page the way the browser would report it). */
async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    const doc = (globalThis as unknown as { document: EventTarget }).document;
    Object.defineProperty(doc, "hidden", { configurable: true, get: () => value });
    doc.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

async function noHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return { scroll: root.scrollWidth, client: root.clientWidth };
  });
  expect(widths.scroll, "the page is wider than the screen").toBeLessThanOrEqual(widths.client);
}

test("two phones train a run to its end in their workers; a rejoin downloads neither model nor shard again", async ({
  browser,
}, testInfo) => {
  test.setTimeout(420_000);
  const pixel = await openParticipant(browser, JOIN_URL, phone("Pixel 7"));
  const started = Date.now();

  await test.step("the first phone chooses wasm (forced), joins, downloads model and shard, and gets ready", async () => {
    await expect(pixel.page.getByTestId("backend")).toHaveText("wasm");
    await expect(pixel.page.locator('[data-testid="probe-table"] tr[data-backend="wasm"]')).toHaveAttribute(
      "data-verdict",
      "chosen",
    );
    await expect(pixel.page.getByTestId("connection-state")).toHaveAttribute("data-state", "joined");
    await expect(pixel.page.getByTestId("activity")).toHaveText(READY_ACTIVITY, { timeout: 120_000 });
    expect(new URL(pixel.page.url()).searchParams.get("token")).toBeNull();
    expect(pixel.runFileRequests).toHaveLength(3); // weights, pooling centre, shard
    const bytes = pixel.page.getByTestId("join-bytes");
    expect(Number(await bytes.getAttribute("data-network"))).toBeGreaterThan(0);
    await expect(bytes).toHaveAttribute("data-cache", "0");
  });

  const firstId = await pixel.page.getByTestId("client-id").textContent();
  const firstNetworkBytes = Number(await pixel.page.getByTestId("join-bytes").getAttribute("data-network"));
  let rejoinCacheBytes = 0;
  await test.step("a reload rejoins as the same client and reads model and shard from the cache", async () => {
    const before = pixel.runFileRequests.length;
    await pixel.page.reload();
    await expect(pixel.page.getByTestId("connection-state")).toHaveText("connected (resumed)", { timeout: 60_000 });
    await expect(pixel.page.getByTestId("client-id")).toHaveText(firstId ?? "");
    await expect(pixel.page.getByTestId("activity")).toHaveText(READY_ACTIVITY, { timeout: 120_000 });
    expect(pixel.runFileRequests.slice(before)).toEqual([]);
    const bytes = pixel.page.getByTestId("join-bytes");
    await expect(bytes).toHaveAttribute("data-network", "0");
    rejoinCacheBytes = Number(await bytes.getAttribute("data-cache"));
    expect(rejoinCacheBytes).toBe(firstNetworkBytes);
  });

  // The Pixel goes into the background before the run starts and comes back once its round 0 is decided.
  await setHidden(pixel.page, true);
  await expect(pixel.page.getByTestId("visibility")).toHaveAttribute("data-hidden", "true");
  const iphone = await openParticipant(browser, JOIN_URL, phone("iPhone 14"));
  const phones = [pixel, iphone];
  await expect(pixel.page.locator('[data-testid="round"][data-round="0"]')).toHaveAttribute("data-stage", "submitted", {
    timeout: 120_000,
  });
  await setHidden(pixel.page, false);
  await test.step(`both phones train round 0 (probe) and ${String(ROUNDS)} LoRA rounds to the run's end`, async () => {
    for (const { page } of phones) {
      await expect(page.getByTestId("run-finished")).toBeVisible({ timeout: 300_000 });
    }
    for (const { page } of phones) {
      const rounds = page.getByTestId("round");
      await expect(rounds).toHaveCount(ROUNDS + 1);
      for (let round = 0; round <= ROUNDS; round += 1) {
        const card = page.locator(`[data-testid="round"][data-round="${String(round)}"]`);
        await expect(card).toHaveAttribute("data-stage", "submitted");
        await expect(card.getByTestId("round-bytes-up")).toHaveText(/ of a .* budget \(/u);
        if (round === 0) continue;
        await expect(card).toHaveAttribute("data-phase", "lora");
        await expect(card.getByTestId("round-steps")).toHaveText(/^step 5\/5 · loss \d+\.\d+ · [\d,]+ tokens\/s$/u);
        await expect(card.getByTestId("round-energy")).toHaveText(/%$/u);
        await expect(card.getByTestId("round-share")).toHaveText(/^\d+(\.\d)?% \(/u);
      }
    }
  });
  const trainedMs = Date.now() - started;

  await test.step("the round log agrees: every round has both phones submitted, and no model or shard was served in a round", async () => {
    const { rounds } = (await adminJson("/api/rounds")) as { rounds: unknown[] };
    const lines = rounds.map((line) => RoundLogLine.parse(line));
    expect(lines.map((l) => [l.round, l.phase])).toEqual([
      [0, "probe"],
      [1, "lora"],
      [2, "lora"],
    ]);
    const iphoneId = await iphone.page.getByTestId("client-id").textContent();
    const ids = [firstId, iphoneId].sort();
    for (const line of lines) {
      expect(line.clients.map((c) => c.id).sort()).toEqual(ids);
      for (const client of line.clients) {
        expect(client.status).toBe("submitted");
        expect(client.backend).toBe("wasm");
        // What a round serves is its global adapter only; the cards show the same figure.
        expect(client.bytesDown).toBeLessThan(firstNetworkBytes);
      }
    }
    // The hidden tab is accounted for: round 0 ran while it was in the background, the last round did not.
    const hiddenIn = (round: number, id: string | null) => lines[round]?.clients.find((c) => c.id === id)?.hidden;
    expect(hiddenIn(0, firstId)).toBe(true);
    expect(hiddenIn(ROUNDS, firstId)).toBeUndefined();
    expect(lines.map((_, round) => hiddenIn(round, iphoneId))).toEqual([undefined, undefined, undefined]);
    await expect(pixel.page.locator('[data-testid="round"][data-round="0"]').getByTestId("round-hidden")).toBeVisible();
    expect(iphone.runFileRequests).toHaveLength(3);
    expect(pixel.runFileRequests).toHaveLength(3); // still only the first join's
  });

  await test.step("both phone screens fit their pages (screenshots kept with the test's results)", async () => {
    for (const [name, { page }] of [
      ["pixel-7", pixel],
      ["iphone-14", iphone],
    ] as const) {
      await noHorizontalOverflow(page);
      await page.screenshot({ path: testInfo.outputPath(`participant-${name}.png`), fullPage: true });
    }
  });
  testInfo.annotations.push({
    type: "figures",
    description: `first join ${String(firstNetworkBytes)} B over the network; rejoin 0 B over the network, ${String(rejoinCacheBytes)} B from the cache; run trained in ${String(Math.round(trainedMs / 1000))} s`,
  });
  console.log(testInfo.annotations.at(-1)?.description);
  for (const { context } of phones) await context.close();
});

test("a refused join token says what to do, and does not ask to keep the tab open", async ({ browser }, testInfo) => {
  const context = await browser.newContext(phone("Pixel 7"));
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/?token=not-the-join-token&backend=wasm`);
  await expect(page.getByTestId("connection-state")).toHaveAttribute("data-state", "refused", { timeout: 60_000 });
  await expect(page.getByTestId("refusal")).toContainText("Open the join URL or scan the QR code");
  await expect(page.getByTestId("refusal")).toContainText("bad-token");
  await expect(page.getByText(/keep this tab open/iu)).toHaveCount(0);
  await noHorizontalOverflow(page);
  await page.screenshot({ path: testInfo.outputPath("participant-refused.png"), fullPage: true });
  await context.close();
});
