// The dashboard against a real run: a coordinator of its own (spam on nano, probe round + 2 LoRA rounds) waiting for
// 3 participants, 2 Node participants, and the admin driving it from the page: start now (below --start-clients),
// pause (the round in flight finishes, no new one starts), resume, export. Then every number the page shows for the
// last round is /api/rounds' own, the charts are drawn, and a wrong admin token gets the refusal and nothing else.
import { mkdtempSync, readdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { Health, RoundLogLine } from "@airlora/protocol";
import { spawnCli, type CliProcess } from "./cli-process";
import { E2E_JOIN_TOKEN, E2E_ORIGIN } from "./coordinator";
import { expectLastRoundOnPage } from "./dashboard-figures";

// 8381-8389 belong to this spec (the shared webServer takes AIRLORA_E2E_PORT, 8389 by convention).
const PORT = 8388;
const ORIGIN = `http://127.0.0.1:${String(PORT)}`;
const JOIN = "dashboard-e2e-join-token";
const ADMIN = "dashboard-e2e-admin-token";
const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN}` };

const children: CliProcess[] = [];
let out = "";

function startCli(args: readonly string[]): CliProcess {
  const cli = spawnCli(args);
  children.push(cli);
  return cli;
}

async function api(path: string): Promise<unknown> {
  const response = await fetch(`${ORIGIN}${path}`, { headers: ADMIN_HEADERS });
  expect(response.status).toBe(200);
  return response.json();
}

async function loggedRounds(): Promise<RoundLogLine[]> {
  const body = (await api("/api/rounds")) as { rounds: unknown[] };
  return body.rounds.map((line) => RoundLogLine.parse(line));
}

async function health(): Promise<Health> {
  return Health.parse(await (await fetch(`${ORIGIN}/api/health`)).json());
}

async function activeRound(): Promise<unknown> {
  return ((await api("/api/state")) as { active: unknown }).active;
}

test.afterAll(() => {
  for (const { child } of children) child.kill("SIGTERM");
});

test("the admin runs a federated round set from the dashboard, whose numbers are the round log's", async ({
  browser,
}, testInfo) => {
  test.setTimeout(300_000);
  out = mkdtempSync(join(tmpdir(), "airlora-e2e-dashboard-"));
  const coordinator = startCli([
    "start",
    ...["--model", "nano", "--task", "spam", "--rank", "4", "--rounds", "2", "--min-clients", "2"],
    ...["--start-clients", "3", "--shards", "2", "--local-steps", "5", "--host", "127.0.0.1"],
    ...["--port", String(PORT), "--join-token", JOIN, "--admin-token", ADMIN, "--out", out],
  ]);
  await expect.poll(() => coordinator.output(), { timeout: 90_000 }).toContain("Run directory");

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await page.goto(`${ORIGIN}/dashboard?token=${ADMIN}`);
  await expect(page.getByTestId("dashboard-live")).toBeVisible();

  await test.step("the join URL and its QR code are on the page", async () => {
    await expect(page.getByTestId("join-url")).toHaveText(`${ORIGIN}/?token=${JOIN}`);
    const qr = page.getByTestId("join-qr");
    await expect(qr).toBeVisible();
    // The SVG data URL decoded into a real image.
    expect(await qr.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  });

  const clients = startCli(["clients", "--url", `${ORIGIN}/?token=${JOIN}`, "--count", "2"]);
  await test.step("two Node participants appear as headless devices; the run waits for a third", async () => {
    await expect(page.getByTestId("connected-count")).toHaveAttribute("data-count", "2", { timeout: 90_000 });
    await expect(page.locator('[data-testid="client-row"][data-device-kind="headless"]')).toHaveCount(2);
    await expect(page.getByTestId("run-activity")).toContainText("start now needs 2", { timeout: 90_000 });
    await expect(page.getByTestId("control-start")).toBeEnabled();
    expect((await health()).state).toBe("waiting");
  });

  await test.step("start now begins round 0 with two; pause lets it finish and starts no new round", async () => {
    await page.getByTestId("control-start").click();
    await expect(page.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
    await page.getByTestId("control-pause").click();
    await expect(page.getByTestId("control-answer")).toHaveAttribute("data-action", "pause");
    await expect(page.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
    await expect(page.getByTestId("run-activity")).toHaveAttribute("data-paused", "true");
    // The round in flight closes; after it none is open, and none opens while paused.
    await expect.poll(activeRound, { timeout: 120_000 }).toBeNull();
    const logged = (await loggedRounds()).length;
    const round = (await health()).round;
    await page.waitForTimeout(5000);
    expect(await activeRound()).toBeNull();
    expect((await health()).state).toBe("paused");
    expect((await health()).round).toBe(round);
    expect(round).toBeLessThan(2);
    expect((await loggedRounds()).length).toBeGreaterThanOrEqual(logged);
  });

  await test.step("resume carries on to the end of the run", async () => {
    await page.getByTestId("control-resume").click();
    await expect(page.getByTestId("control-answer")).toHaveAttribute("data-action", "resume");
    await expect(page.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
    await expect(page.getByTestId("run-activity")).toHaveAttribute("data-state", "done", { timeout: 180_000 });
    await expect(page.getByTestId("last-round")).toHaveAttribute("data-round", "2");
  });

  const lines = await loggedRounds();
  const last = lines.at(-1);
  if (last === undefined) throw new Error("no round logged");

  await test.step("the last round's numbers on the page are /api/rounds' numbers", async () => {
    expect(lines.map((l) => l.round)).toEqual([0, 1, 2]);
    expect(last.clients).toHaveLength(2);
    await expectLastRoundOnPage(page, last, lines.length);
  });

  await test.step("the charts are drawn with their series, and the timeline has a bar per member", async () => {
    const charts = { "chart-quality": 2, "chart-bytes": 2, "chart-latency": 3 } as const;
    for (const [id, count] of Object.entries(charts)) {
      const chart = page.getByTestId(id);
      await expect(chart.locator("canvas")).toHaveCount(1);
      // uPlot's legend lists the x series and every y series.
      await expect(chart.locator(".u-legend .u-series")).toHaveCount(count + 1);
      const inked = await chart.locator("canvas").evaluate((canvas) => {
        const c = canvas as unknown as {
          width: number;
          height: number;
          getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8Array } };
        };
        const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let drawn = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) drawn += 1;
        return drawn;
      });
      expect(inked, `${id} has ink`).toBeGreaterThan(100);
    }
    const timeline = page.getByTestId("round-timeline");
    await expect(timeline).toHaveAttribute("data-round", "2");
    await expect(timeline.getByTestId("timeline-row")).toHaveCount(2);
    for (const entry of last.clients) {
      const compute = timeline.locator(`[data-client-id="${entry.id}"] rect[data-phase="compute"]`);
      await expect(compute).toHaveAttribute("data-ms", String(entry.computeMs));
    }
  });

  await test.step("the export button downloads the adapter with the admin token", async () => {
    const download = page.waitForEvent("download");
    await page.getByTestId("export-adapter").click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/-round-0002\.safetensors$/u);
    await expect(page.getByTestId("export-status")).toHaveAttribute("data-state", "done");
  });

  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
  await testInfo.attach("dashboard", { path: testInfo.outputPath("dashboard.png"), contentType: "image/png" });
  const runs = readdirSync(out).filter((name) => name.includes("spam-nano"));
  expect(runs.some((run) => existsSync(join(out, run, "summary.json")))).toBe(true);
  clients.child.kill("SIGTERM");
});

test("a wrong admin token shows only the refusal", async ({ browser }) => {
  // The shared coordinator (Playwright's webServer): this test does not need the run above.
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${E2E_ORIGIN}/dashboard?token=not-the-admin-token`);
  await expect(page.getByTestId("dashboard-refused")).toContainText("bad-token");
  await expect(page.locator("main > *")).toHaveCount(2); // the heading and the refusal
  for (const id of ["clients-table", "join-panel", "run-activity", "control-pause", "export-adapter", "chart-bytes"]) {
    await expect(page.getByTestId(id)).toHaveCount(0);
  }
  expect(await page.content()).not.toContain(E2E_JOIN_TOKEN);
});
