// What the CLI prints on start: where to join (URL and QR code) and where to watch.
import QRCode from "qrcode";
import { publicHost } from "./lan-address";

export interface Urls {
  readonly join: string;
  readonly dashboard: string;
}

export function coordinatorUrls(host: string, port: number, joinToken: string, adminToken: string): Urls {
  const origin = `http://${publicHost(host)}:${String(port)}`;
  const local = host === "0.0.0.0" || host === "::" ? `http://127.0.0.1:${String(port)}` : origin;
  return {
    join: `${origin}/?token=${encodeURIComponent(joinToken)}`,
    dashboard: `${local}/dashboard?token=${encodeURIComponent(adminToken)}`,
  };
}

export async function announcement(urls: Urls): Promise<string> {
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
    "  WebGPU needs a secure context: on a LAN address phones fall back to WebGL/WASM until HTTPS lands.",
    "",
  ].join("\n");
}
