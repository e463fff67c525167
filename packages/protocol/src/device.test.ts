import { describe, expect, it } from "vitest";
import { deviceOf, DeviceInfo } from "./device";

// Real user agents, as these browsers send them (Chrome's reduced UA where it applies).
const AGENTS: readonly [string, string, DeviceInfo][] = [
  [
    "Pixel 7, Chrome",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    { kind: "phone", os: "Android 10", browser: "Chrome 124" },
  ],
  [
    "Pixel 7, Chrome with the full UA",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36",
    { kind: "phone", os: "Android 14", browser: "Chrome 120" },
  ],
  [
    "Galaxy Tab, Chrome",
    "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    { kind: "tablet", os: "Android 10", browser: "Chrome 124" },
  ],
  [
    "iPhone, Safari",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    { kind: "phone", os: "iOS 17.4", browser: "Safari 17" },
  ],
  [
    "iPhone, Chrome",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/123.0.6312.52 Mobile/15E148 Safari/604.1",
    { kind: "phone", os: "iOS 17.4", browser: "Chrome 123" },
  ],
  [
    "iPad asking for the mobile site",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
    { kind: "tablet", os: "iPadOS 16.6", browser: "Safari 16" },
  ],
  [
    "desktop Chrome on Linux",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    { kind: "desktop", os: "Linux", browser: "Chrome 124" },
  ],
  [
    "desktop Chrome on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    { kind: "desktop", os: "macOS", browser: "Chrome 124" },
  ],
  [
    "desktop Chrome on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    { kind: "desktop", os: "Windows", browser: "Chrome 124" },
  ],
  [
    "Edge on Windows",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51",
    { kind: "desktop", os: "Windows", browser: "Edge 124" },
  ],
  [
    "Safari on macOS",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    { kind: "desktop", os: "macOS", browser: "Safari 17" },
  ],
  [
    "Firefox on Linux",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    { kind: "desktop", os: "Linux", browser: "Firefox 125" },
  ],
  [
    "a Chromebook",
    "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    { kind: "laptop", os: "ChromeOS", browser: "Chrome 124" },
  ],
  [
    "headless Chromium (Playwright)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.7526.0 Safari/537.36",
    { kind: "headless", os: "Linux", browser: "HeadlessChrome 156" },
  ],
  [
    "a Node participant (airlora clients)",
    "airlora-clients/0.1.0 (node v20.19.0; wasm)",
    { kind: "headless", os: "Node.js v20.19.0", browser: "airlora-clients 0.1.0" },
  ],
  ["something else", "curl/8.5.0", { kind: "unknown", os: "unknown", browser: "unknown" }],
];

describe("deviceOf", () => {
  it.each(AGENTS)("reads %s", (_name, userAgent, expected) => {
    const device = deviceOf(userAgent);
    expect(device).toEqual(expected);
    expect(DeviceInfo.safeParse(device).success).toBe(true);
  });

  it("a Pixel 7 reads as a phone on Android, not as a Linux computer", () => {
    const [, pixel] = AGENTS[0] ?? [];
    expect(deviceOf(pixel ?? "")).toMatchObject({ kind: "phone", os: expect.stringMatching(/^Android/u) as string });
  });

  it("never throws and stays within the schema for junk and very long input", () => {
    for (const junk of [
      "",
      "x".repeat(10_000),
      "iPhone OS",
      "Android",
      "(iPad; CPU OS _ like Mac OS X)",
      `airlora-clients/${"9".repeat(600)} (node v1)`,
    ]) {
      expect(DeviceInfo.safeParse(deviceOf(junk)).success).toBe(true);
    }
  });
});
