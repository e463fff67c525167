// A participant as a person's device: its own browser context (a phone is its own device), its page, and the run
// files (model, shard) its worker fetched over the network, which tell a rejoin from the cache apart from a download.
import { devices, type Browser, type BrowserContext, type Page } from "@playwright/test";

export type DeviceProfile = Partial<(typeof devices)[string]>;

/** A phone profile without the browser it names: these tests drive Chromium (docs/platform.md section 1). */
export function phone(name: "Pixel 7" | "iPhone 14"): DeviceProfile {
  const profile: DeviceProfile = { ...devices[name] };
  delete profile.defaultBrowserType;
  return profile;
}

export interface ParticipantTab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Paths of the model and shard requests that reached the network from this device, in order. */
  readonly runFileRequests: string[];
}

export async function openParticipant(
  browser: Browser,
  url: string,
  profile: DeviceProfile = {},
): Promise<ParticipantTab> {
  const context = await browser.newContext(profile);
  const runFileRequests: string[] = [];
  // Requests from the page's worker show up on its context.
  context.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith("/api/run/model/") || path.startsWith("/api/run/shards/")) runFileRequests.push(path);
  });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page, runFileRequests };
}

/** What the page shows once model and shard are loaded and the uplink probed. */
export const READY_ACTIVITY = /^ready: \d+ training rows/u;

/** The client id the page shows (after its welcome). */
export async function clientIdOf(page: Page): Promise<string> {
  const id = await page.getByTestId("client-id").textContent();
  if (id === null || !id.startsWith("c-")) throw new Error(`the page shows no client id (${String(id)})`);
  return id;
}
