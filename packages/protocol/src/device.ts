// What kind of device a participant is, from the user agent its hello carried (docs/protocol.md section 7). Shared by
// the coordinator (the dashboard's client rows) and anything that reads the round log; pure, no DOM.
//
// A handful of documented regular expressions instead of a UA-parsing library: the dashboard only needs to tell a
// phone from a tablet from a computer and name the OS. What a user agent cannot say, this does not guess:
// - Chrome on Android sends a reduced UA ("Linux; Android 10; K"): the Android version is frozen at 10 and the model
//   at "K"; "Mobile" is still there for phones and absent on tablets.
// - iPadOS 13+ Safari asks for the desktop site and sends a Macintosh UA: such an iPad reads as a macOS desktop.
// - Nothing separates a laptop from a desktop running Windows, macOS or Linux: both read "desktop". ChromeOS
//   devices are nearly all Chromebooks and read "laptop".
import { z } from "zod";

export const DEVICE_KINDS = ["phone", "tablet", "laptop", "desktop", "headless", "unknown"] as const;
export const DeviceKind = z.enum(DEVICE_KINDS);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const DeviceInfo = z.strictObject({
  /** `headless`: an automated browser (HeadlessChrome) or a Node participant (`airlora clients`): no screen. */
  kind: DeviceKind,
  /** "Android 10", "iOS 17.4", "macOS", "Windows", "Linux", "ChromeOS", "Node.js v20.19.0", or "unknown". */
  os: z.string().max(64),
  /** "Chrome 120", "Safari 17", "Firefox 125", "Edge 120", "HeadlessChrome 156", "airlora-clients 0.1.0", ... */
  browser: z.string().max(64),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;

/** Reads a user agent; anything it does not recognise is `unknown`, never an error. */
export function deviceOf(userAgent: string): DeviceInfo {
  const ua = userAgent.slice(0, 512);
  const node = /^airlora-clients\/([\w.-]{1,20}) \(node (v[\d.]{1,20})/u.exec(ua);
  if (node !== null) {
    return { kind: "headless", os: `Node.js ${node[2] ?? ""}`, browser: `airlora-clients ${node[1] ?? ""}` };
  }
  const os = osOf(ua);
  const browser = browserOf(ua);
  return { kind: kindOf(ua, os, browser), os, browser };
}

function osOf(ua: string): string {
  const android = /Android (\d+(?:\.\d+)?)/u.exec(ua);
  if (android !== null) return `Android ${android[1] ?? ""}`;
  // "iPhone OS 17_4 like Mac OS X" and "CPU OS 17_4 like Mac OS X" (iPad, iPod).
  const ios = /(iPhone|iPad|iPod)[^)]*? OS (\d+)(?:_(\d+))?/u.exec(ua);
  if (ios !== null) {
    const name = ios[1] === "iPad" ? "iPadOS" : "iOS";
    return ios[3] === undefined ? `${name} ${ios[2] ?? ""}` : `${name} ${ios[2] ?? ""}.${ios[3]}`;
  }
  if (/CrOS/u.test(ua)) return "ChromeOS";
  if (/Windows NT/u.test(ua)) return "Windows";
  if (/Macintosh|Mac OS X/u.test(ua)) return "macOS";
  if (/Linux|X11/u.test(ua)) return "Linux";
  return "unknown";
}

function browserOf(ua: string): string {
  // Order matters: Edge and Opera also say Chrome, Chrome also says Safari, Chrome on iOS says CriOS.
  const patterns: readonly [RegExp, string][] = [
    [/HeadlessChrome\/(\d+)/u, "HeadlessChrome"],
    [/Edg(?:e|A|iOS)?\/(\d+)/u, "Edge"],
    [/OPR\/(\d+)/u, "Opera"],
    [/SamsungBrowser\/(\d+)/u, "Samsung Internet"],
    [/(?:Chrome|CriOS)\/(\d+)/u, "Chrome"],
    [/(?:Firefox|FxiOS)\/(\d+)/u, "Firefox"],
    [/Version\/(\d+)(?:\.\d+)*.*Safari\//u, "Safari"],
  ];
  for (const [pattern, name] of patterns) {
    const match = pattern.exec(ua);
    if (match !== null) return `${name} ${match[1] ?? ""}`;
  }
  return "unknown";
}

function kindOf(ua: string, os: string, browser: string): DeviceKind {
  if (browser.startsWith("HeadlessChrome")) return "headless";
  if (os.startsWith("iPadOS") || /Tablet/u.test(ua)) return "tablet";
  if (os.startsWith("iOS")) return "phone";
  // Android phones say "Mobile"; Android tablets leave it out.
  if (os.startsWith("Android")) return /Mobile/u.test(ua) ? "phone" : "tablet";
  if (os === "ChromeOS") return "laptop";
  if (os === "Windows" || os === "macOS" || os === "Linux") return "desktop";
  return "unknown";
}
