// Six browser tabs as six devices in one run (spam on nano, a probe round and five LoRA rounds), on a coordinator of
// this spec's own, with the admin's dashboard open throughout:
//   - three wasm tabs and a Pixel 7 that times its backends and picks one train (TSFA may plan one out of a round
//     to save latency, never loses one);
//   - a WebGPU tab trains on WebGPU, which here is SwiftShader, a CPU emulation some 60 times slower than wasm
//     (docs/platform.md section 3): when it is late the coordinator learns its pace from its progress, and the next
//     plan leaves it out (or waits for it knowingly) instead of expecting it to be quick;
//   - a sixth wasm tab sits behind a slow uplink (a relay: 300 kbit/s, 150 ms) and TSFA gives it a smaller byte
//     budget than anyone else;
//   - in round 3 that tab's link collapses during its upload and the tab is closed: the round still closes by its
//     deadline, and the dashboard shows it dropped;
//   - in the same round another tab goes offline for 10 s and the admin pauses the run; back online the tab is the
//     same client, and once the admin resumes it trains again, downloading neither model nor shard again;
//   - during round 4 the coordinator is killed (SIGKILL) and restarted with --resume: the tabs rejoin by themselves,
//     the admin starts it again from the dashboard, round 4 runs again and the run ends after round 5;
//   - at the end the dashboard's figures for the last round are /api/rounds' figures; screenshots of the dashboard and
//     of the phone are kept with the test's results.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { RoundLogLine } from "@airlora/protocol";
import { spawnCli, waitForHealth, type CliProcess } from "./cli-process";
import { expectLastRoundOnPage } from "./dashboard-figures";
import { UNSHAPED, openLinkRelay, type LinkRelay, type LinkShape } from "./link-relay";
import { READY_ACTIVITY, clientIdOf, openParticipant, phone, type ParticipantTab } from "./participant-tab";

const PORT = Number(process.env.AIRLORA_TABS_E2E_PORT ?? 8481);
const HOST = "127.0.0.1";
const ORIGIN = `http://${HOST}:${String(PORT)}`;
const JOIN = "tabs-e2e-join-token";
const ADMIN = "tabs-e2e-admin-token";
const ROUNDS = 5;
/** The LoRA round in which a tab is closed mid-upload and another goes offline; the next one is interrupted. */
const FAULT_ROUND = 3;
const RESTART_ROUND = 4;
const SLOW_LINK: LinkShape = { upBps: 300_000, latencyMs: 150 };
/** What the slow tab's link becomes in the fault round: small messages still pass, its update (a few KB) would take
 * many seconds to go out. */
const COLLAPSED_LINK: LinkShape = { ...SLOW_LINK, bulkBps: 4_000 };
const OFFLINE_MS = 10_000;
const READY_OR_TRAINING = new RegExp(`${READY_ACTIVITY.source}|^round 0`, "u");

const RUN_ARGS = [
  ...["--model", "nano", "--task", "spam", "--rank", "4", "--rounds", String(ROUNDS), "--shards", "6"],
  ...["--min-clients", "3", "--start-clients", "6", "--local-steps", "3", "--latency-budget-ms", "8000"],
  // Some grace keeps the fault round open while the test closes a tab mid-upload (deadlines only; TSFA plans with
  // the latency budget).
  ...["--grace-ms", "4000", "--eval-rows", "200", "--host", HOST, "--port", String(PORT)],
  ...["--join-token", JOIN, "--admin-token", ADMIN],
];

const coordinators: CliProcess[] = [];
const relays: LinkRelay[] = [];

test.afterAll(async () => {
  for (const { child } of coordinators) child.kill("SIGTERM");
  for (const relay of relays) await relay.close();
});

// eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern for the fixtures
test.afterEach(({}, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return;
  for (const cli of coordinators) console.log(`coordinator output:\n${cli.output().slice(-6000)}`);
});

async function admin(path: string): Promise<unknown> {
  const response = await fetch(`${ORIGIN}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(response.status, path).toBe(200);
  return response.json();
}

async function loggedRounds(): Promise<RoundLogLine[]> {
  const { rounds } = (await admin("/api/rounds")) as { rounds: unknown[] };
  return rounds.map((line) => RoundLogLine.parse(line));
}

interface ActiveMember {
  readonly clientId: string;
  readonly status: string;
}

/** The round in flight as /api/state shows it, or null between rounds (and while the coordinator is down). */
async function activeRound(): Promise<{ round: number; members: ActiveMember[] } | null> {
  try {
    return ((await admin("/api/state")) as { active: { round: number; members: ActiveMember[] } | null }).active;
  } catch {
    return null;
  }
}

function clientOf(line: RoundLogLine | undefined, id: string) {
  const entry = line?.clients.find((c) => c.id === id);
  if (entry === undefined) throw new Error(`round ${String(line?.round)} has no entry for ${id}`);
  return entry;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
}

interface Tab extends ParticipantTab {
  readonly name: string;
  id: string;
}

test("six tabs train a run through a slow link, a closed tab, an offline tab and a coordinator restart", async ({
  browser,
}, testInfo) => {
  test.setTimeout(600_000);
  const out = mkdtempSync(join(tmpdir(), "airlora-e2e-tabs-"));
  const first = spawnCli(["start", ...RUN_ARGS, "--out", out]);
  coordinators.push(first);
  await waitForHealth(ORIGIN, 90_000);
  await expect.poll(() => first.output(), { timeout: 90_000 }).toContain("Run directory");
  const runDir = /Run directory: (\S+)/u.exec(first.output())?.[1];
  if (runDir === undefined) throw new Error("the coordinator did not print its run directory");

  const dashboard = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  await dashboard.goto(`${ORIGIN}/dashboard?token=${ADMIN}`);
  await expect(dashboard.getByTestId("dashboard-live")).toBeVisible();

  const slowLink = await openLinkRelay({ host: HOST, port: PORT }, SLOW_LINK);
  const wifiLink = await openLinkRelay({ host: HOST, port: PORT }, UNSHAPED);
  relays.push(slowLink, wifiLink);
  const joinUrl = (origin: string, backend?: string): string =>
    `${origin}/?token=${JOIN}${backend === undefined ? "" : `&backend=${backend}`}`;
  const open = async (name: string, url: string, profile = {}): Promise<Tab> => ({
    name,
    id: "",
    ...(await openParticipant(browser, url, profile)),
  });
  const tabs = [
    await open("wasm-offline", joinUrl(wifiLink.origin, "wasm")),
    await open("wasm-2", joinUrl(ORIGIN, "wasm")),
    await open("wasm-3", joinUrl(ORIGIN, "wasm")),
    await open("wasm-slow", joinUrl(slowLink.origin, "wasm")),
    await open("webgpu", joinUrl(ORIGIN, "webgpu")),
    await open("pixel-7", joinUrl(ORIGIN), phone("Pixel 7")),
  ] as const;
  const [offline, , , slow, webgpu, pixel] = tabs;

  await test.step("all six join and get ready; the Pixel times its backends and picks one", async () => {
    for (const tab of tabs) {
      // Ready, or already in round 0 (the last to get ready starts it at once).
      await expect(tab.page.getByTestId("activity"), tab.name).toHaveText(READY_OR_TRAINING, { timeout: 180_000 });
      tab.id = await clientIdOf(tab.page);
      expect(tab.runFileRequests, tab.name).toHaveLength(3); // weights, pooling centre, shard
    }
    await expect(webgpu.page.getByTestId("backend")).toHaveText("webgpu");
    await expect(pixel.page.locator('[data-testid="probe-table"] tr[data-verdict="chosen"]')).toHaveCount(1);
    await expect(dashboard.getByTestId("connected-count")).toHaveAttribute("data-count", "6");
    await expect(dashboard.locator(`[data-testid="client-row"][data-client-id="${pixel.id}"]`)).toHaveAttribute(
      "data-device-kind",
      "phone",
    );
  });

  const steady = tabs.filter((t) => t !== webgpu);
  await test.step(`round ${String(FAULT_ROUND)}: the slow tab is closed mid-upload and shows dropped; another tab is offline for 10 s`, async () => {
    await expect
      .poll(async () => (await activeRound())?.round, { timeout: 300_000, intervals: [100] })
      .toBe(FAULT_ROUND);
    slowLink.reshape(COLLAPSED_LINK);
    const wentOffline = Date.now();
    // Both at once: the round is a few seconds long.
    const closeSlowTabMidUpload = async (): Promise<void> => {
      const faultCard = slow.page.locator(`[data-testid="round"][data-round="${String(FAULT_ROUND)}"]`);
      await expect(faultCard).toHaveAttribute("data-stage", "uploading", { timeout: 30_000 });
      // The coordinator has heard that it is uploading (its progress message is tiny; the update is not).
      await expect
        .poll(async () => (await activeRound())?.members.find((m) => m.clientId === slow.id)?.status, {
          timeout: 10_000,
          intervals: [100],
        })
        .toBe("uploading");
      await slow.context.close();
    };
    const takeTabOfflineAndPause = async (): Promise<void> => {
      await offline.context.setOffline(true);
      wifiLink.setOnline(false);
      // The admin pauses: this round finishes, the next waits until the offline tab is back.
      await dashboard.getByTestId("control-pause").click();
      await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-action", "pause");
      await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
      await expect(offline.page.getByTestId("connection-state")).not.toHaveText(/^connected/u, { timeout: 10_000 });
    };
    await Promise.all([closeSlowTabMidUpload(), takeTabOfflineAndPause()]);

    await offline.page.waitForTimeout(Math.max(0, OFFLINE_MS - (Date.now() - wentOffline)));
    wifiLink.setOnline(true);
    await offline.context.setOffline(false);
    await expect(offline.page.getByTestId("connection-state")).toHaveText("connected (resumed)", { timeout: 30_000 });
    await expect(offline.page.getByTestId("client-id")).toHaveText(offline.id);
    await expect(offline.page.getByTestId("activity")).toHaveText(READY_ACTIVITY, { timeout: 60_000 });

    await expect.poll(async () => (await loggedRounds()).length, { timeout: 120_000 }).toBeGreaterThan(FAULT_ROUND);
    const row = dashboard.locator(`[data-testid="client-row"][data-client-id="${slow.id}"]`);
    await expect(row).toHaveAttribute("data-logged-status", "dropped");
    await expect(row).toHaveAttribute("data-connected", "false");
    const line = (await loggedRounds())[FAULT_ROUND];
    const slowEntry = clientOf(line, slow.id);
    expect(slowEntry.status).toBe("dropped");
    expect(slowEntry.reason).toContain("uploading");
    expect(clientOf(line, offline.id).status).toBe("dropped");
    expect(line?.roundLatencyMs).toBeLessThanOrEqual((line?.deadlineMs ?? 0) + 1000);
    expect(line?.aggregated).toBe(true);
    const timeline = dashboard.getByTestId("round-timeline");
    await expect(timeline).toHaveAttribute("data-round", String(FAULT_ROUND));
    await expect(timeline.locator(`[data-client-id="${slow.id}"]`)).toHaveAttribute("data-status", "dropped");
    expect((await activeRound())?.round, "no round starts while paused").toBeUndefined();
    await dashboard.getByTestId("control-resume").click();
    await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-action", "resume");
    await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
  });

  const live = tabs.filter((t) => t !== slow);
  await test.step(`round ${String(RESTART_ROUND)}: the coordinator is killed and restarted with --resume; the tabs rejoin and finish`, async () => {
    await expect
      .poll(
        async () => {
          const active = await activeRound();
          return active?.round === RESTART_ROUND && active.members.some((m) => m.status === "training");
        },
        { timeout: 120_000, message: `round ${String(RESTART_ROUND)} is under way` },
      )
      .toBe(true);
    first.child.kill("SIGKILL");
    await first.exited;
    // Where to listen is the process's, not the run's: the run's settings and tokens come from its directory.
    const resumed = spawnCli(["start", "--resume", runDir, "--host", HOST, "--port", String(PORT)]);
    coordinators.push(resumed);
    await waitForHealth(ORIGIN, 90_000);
    for (const tab of live) {
      await expect(tab.page.getByTestId("connection-state"), tab.name).toHaveText("connected (resumed)", {
        timeout: 60_000,
      });
    }
    // A resumed run waits for --start-clients again; five of the six are back (the closed tab will not come), so
    // the admin starts it now.
    await expect.poll(() => resumed.output(), { timeout: 90_000 }).toContain("Resuming");
    await expect(dashboard.getByTestId("connected-count")).toHaveAttribute("data-count", "5", { timeout: 60_000 });
    await expect(dashboard.getByTestId("control-start")).toBeEnabled({ timeout: 120_000 });
    await dashboard.getByTestId("control-start").click();
    await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-action", "start");
    await expect(dashboard.getByTestId("control-answer")).toHaveAttribute("data-ok", "true");
    for (const tab of live)
      await expect(tab.page.getByTestId("run-finished"), tab.name).toBeVisible({ timeout: 240_000 });
    await expect(dashboard.getByTestId("run-activity")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  });

  await test.step("the probe round and the LoRA rounds before the faults: the slow tab gets the smallest budget", async () => {
    await expect
      .poll(async () => (await loggedRounds()).length, { timeout: 300_000 })
      .toBeGreaterThanOrEqual(FAULT_ROUND);
    const lines = (await loggedRounds()).slice(0, FAULT_ROUND);
    expect(lines.map((l) => l.phase)).toEqual(["probe", ...Array<string>(FAULT_ROUND - 1).fill("lora")]);
    for (const line of lines) {
      // Submitted, or planned out by TSFA (it may trade a member's update for latency); never lost.
      for (const tab of steady) expect(["submitted", "excluded"]).toContain(clientOf(line, tab.id).status);
      expect(line.quorum.submitted).toBeGreaterThanOrEqual(3);
      expect(clientOf(line, webgpu.id).backend).toBe("webgpu");
    }
    for (const line of lines.slice(1)) {
      const slowEntry = clientOf(line, slow.id);
      const rest = steady.filter((t) => t !== slow).map((t) => clientOf(line, t.id));
      // The link is what the coordinator measured, and the schedule answered it: the slow tab gets a smaller
      // bandwidth share or a smaller byte budget than the typical (median) other tab. (Not than every other tab:
      // TSFA also weighs each update's spectrum, and with latency to spare it may give a fast tab less.)
      expect(slowEntry.estUplinkBps).toBeLessThan(SLOW_LINK.upBps);
      for (const entry of rest) expect(slowEntry.estUplinkBps).toBeLessThan(entry.estUplinkBps);
      const planned = rest.filter((e) => e.status !== "excluded");
      const smallerShare = slowEntry.bandwidthShare < median(planned.map((e) => e.bandwidthShare));
      const smallerBudget = slowEntry.byteBudget < median(planned.map((e) => e.byteBudget));
      expect(
        smallerShare || smallerBudget,
        `round ${String(line.round)}: slow ${JSON.stringify([slowEntry.bandwidthShare, slowEntry.byteBudget])}, others ${JSON.stringify(rest.map((e) => [e.bandwidthShare, e.byteBudget]))}`,
      ).toBe(true);
    }
  });

  await test.step("the WebGPU tab trains on WebGPU; once it is late, the next plan knows its pace", async () => {
    const lines = await loggedRounds();
    for (const line of lines) expect(clientOf(line, webgpu.id).backend).toBe("webgpu");
    const trained = lines.filter((l) => {
      const entry = clientOf(l, webgpu.id);
      const inTraining = entry.status === "late" && entry.reason === "still training at the deadline";
      return l.phase === "lora" && (inTraining || (entry.status === "submitted" && (entry.stepsDone ?? 0) > 0));
    });
    expect(trained.length, "a LoRA round in which the WebGPU tab trained").toBeGreaterThan(0);
    for (const [n, line] of lines.entries()) {
      const entry = clientOf(line, webgpu.id);
      const next = lines[n + 1];
      if (line.phase !== "lora" || entry.reason !== "still training at the deadline" || next === undefined) continue;
      // Its progress told the coordinator how slow it is: the next plan leaves it out, or plans it for longer.
      const planned = clientOf(next, webgpu.id);
      expect(planned.status === "excluded" || planned.expectedLatencyMs > entry.expectedLatencyMs).toBe(true);
    }
    // Nobody holds a round past its deadline.
    for (const line of lines) expect(line.roundLatencyMs).toBeLessThanOrEqual(line.deadlineMs + 1000);
  });

  await test.step("the log has every round once; the rejoins came from the caches; the dashboard shows the log", async () => {
    const lines = await loggedRounds();
    expect(lines.map((l) => l.round)).toEqual(Array.from({ length: ROUNDS + 1 }, (_, round) => round));
    const last = lines.at(-1);
    if (last === undefined) throw new Error("no round logged");
    expect(last.clients.map((c) => c.id).sort()).toEqual(live.map((t) => t.id).sort());
    for (const tab of live.filter((t) => t !== webgpu)) {
      expect(["submitted", "excluded"], tab.name).toContain(clientOf(last, tab.id).status);
    }
    expect(last.quorum.submitted).toBeGreaterThanOrEqual(3);
    // The tab that was offline is the same client and trained again after it came back.
    const afterFault = lines.slice(FAULT_ROUND + 1).map((l) => clientOf(l, offline.id));
    expect(
      afterFault.some((e) => e.status === "submitted" && (e.stepsDone ?? 0) > 0),
      JSON.stringify(afterFault),
    ).toBe(true);
    for (const tab of live) expect(tab.runFileRequests, `${tab.name} downloaded again`).toHaveLength(3);
    // The dashboard reconnected to the restarted coordinator and holds the whole history, not only the rounds after it.
    await expectLastRoundOnPage(dashboard, last, lines.length);
  });

  await dashboard.screenshot({ path: testInfo.outputPath("dashboard-six-tabs.png"), fullPage: true });
  await pixel.page.screenshot({ path: testInfo.outputPath("participant-pixel-7.png"), fullPage: true });
  await testInfo.attach("dashboard", { path: testInfo.outputPath("dashboard-six-tabs.png"), contentType: "image/png" });
  await testInfo.attach("pixel-7", { path: testInfo.outputPath("participant-pixel-7.png"), contentType: "image/png" });
});
