// The dashboard shows a round's figures in data-* attributes beside the text; these checks read them back and
// compare them with the round's /api/rounds line (one source for both: docs/dashboard.md).
import { expect, type Page } from "@playwright/test";
import type { RoundLogLine } from "@airlora/protocol";

/** A data-* attribute as the page wrote it. */
export async function dataAttribute(page: Page, selector: string, name: string): Promise<string | null> {
  return page.locator(selector).getAttribute(`data-${name}`);
}

const CLIENT_FIELDS = {
  "bandwidth-share": "bandwidthShare",
  "byte-budget": "byteBudget",
  "kept-ratio": "keptRatio",
  "energy-lost": "energyLost",
  "est-uplink-bps": "estUplinkBps",
  "expected-latency-ms": "expectedLatencyMs",
  "download-ms": "downloadMs",
  "compute-ms": "computeMs",
  "upload-ms": "uploadMs",
  "bytes-up": "bytesUp",
  "bytes-dense": "bytesDense",
  "logged-status": "status",
} as const;

/** Every number the page shows for the last round (summary, and each client's row) is the log line's, and the page
 * holds as many rounds as the log. */
export async function expectLastRoundOnPage(page: Page, last: RoundLogLine, logged: number): Promise<void> {
  await expect(page.locator('[data-testid="last-round"]')).toHaveAttribute("data-round", String(last.round));
  await expect(page.locator('[data-testid="last-round"]')).toHaveAttribute("data-rounds", String(logged));
  const bytesUp = last.clients.reduce((s, c) => s + c.bytesUp, 0);
  const bytesDense = last.clients.filter((c) => c.status === "submitted").reduce((s, c) => s + c.bytesDense, 0);
  const summary = '[data-testid="last-round"]';
  const quality = last.eval !== null && "accuracy" in last.eval ? last.eval.accuracy : null;
  expect(await dataAttribute(page, summary, "round-latency-ms")).toBe(String(last.roundLatencyMs));
  expect(await dataAttribute(page, summary, "virtual-queue")).toBe(String(last.virtualQueue));
  expect(await dataAttribute(page, summary, "loss")).toBe(String(last.eval?.loss));
  expect(await dataAttribute(page, summary, "quality")).toBe(String(quality));
  expect(await dataAttribute(page, summary, "bytes-up")).toBe(String(bytesUp));
  expect(await dataAttribute(page, summary, "bytes-dense")).toBe(String(bytesDense));
  expect(await dataAttribute(page, summary, "submitted")).toBe(String(last.quorum.submitted));
  for (const entry of last.clients) {
    const row = `[data-testid="client-row"][data-client-id="${entry.id}"]`;
    for (const [name, key] of Object.entries(CLIENT_FIELDS)) {
      const value = entry[key];
      expect(await dataAttribute(page, row, name), `${entry.id} ${name}`).toBe(value === null ? "null" : String(value));
    }
  }
}
