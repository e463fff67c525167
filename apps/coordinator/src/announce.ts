// What the CLI prints on start: where to join (URL and QR code) and where to watch.
import QRCode from "qrcode";
import { publicHost } from "./lan-address";
import type { TlsMaterial } from "./tls/certificate";

export interface Urls {
  readonly join: string;
  readonly dashboard: string;
}

export function coordinatorUrls(
  host: string,
  port: number,
  joinToken: string,
  adminToken: string,
  scheme: "http" | "https" = "http",
): Urls {
  const origin = `${scheme}://${publicHost(host)}:${String(port)}`;
  const local = host === "0.0.0.0" || host === "::" ? `${scheme}://127.0.0.1:${String(port)}` : origin;
  return {
    join: `${origin}/?token=${encodeURIComponent(joinToken)}`,
    dashboard: `${local}/dashboard?token=${encodeURIComponent(adminToken)}`,
  };
}

export async function announcement(urls: Urls, tls?: TlsMaterial): Promise<string> {
  const qr = await QRCode.toString(urls.join, { type: "terminal", small: true, errorCorrectionLevel: "L" });
  return [
    "",
    "AirLoRA coordinator is running.",
    "",
    `  Join (phones and laptops on this network): ${urls.join}`,
    "",
    qr,
    `  Dashboard (keep the admin token private):  ${urls.dashboard}`,
    "",
    ...(tls === undefined ? plainNotes() : tlsNotes(tls)),
    "",
  ].join("\n");
}

function plainNotes(): string[] {
  return [
    "  Plain HTTP: browsers give WebGPU only to secure contexts, so phones on a LAN address fall back to",
    "  WebGL/WASM. Start with --https to offer WebGPU to them.",
  ];
}

function tlsNotes(tls: TlsMaterial): string[] {
  const fingerprint = `  Certificate SHA-256: ${tls.fingerprint256}`;
  if (!tls.selfSigned) return [fingerprint, `  (${tls.origin} certificate, valid until ${tls.validTo.slice(0, 10)})`];
  return [
    fingerprint,
    `  Self-signed (${tls.origin}, valid until ${tls.validTo.slice(0, 10)}) for ${tls.names.join(", ")}.`,
    '  A phone shows one warning ("Your connection is not private" / "This Connection Is Not Private"): check that',
    "  the fingerprint above matches what the browser shows under the certificate's details, then choose",
    '  "Advanced" > "Proceed" (Chrome) or "Show Details" > "visit this website" (Safari). It is asked once per',
    "  device: the certificate is kept and reused by later runs from the same --out folder.",
  ];
}
