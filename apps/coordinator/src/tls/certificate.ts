// The coordinator's TLS certificate for `--https` (docs/interfaces.md, "Phones over HTTPS"): the user's own
// (`--cert/--key`), or a self-signed one made with `selfsigned` for every address a phone may use (the LAN addresses,
// the hostname, localhost). It is cached under <out>/tls/ and reused while it still names this machine's addresses
// and has a month left, so a phone that accepted it once is not asked again after a restart or for the next run.
import { X509Certificate, createPrivateKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { hostname, networkInterfaces } from "node:os";
import { join } from "node:path";
import { fail, ok, type Result } from "@airlora/core";
import { writeFileAtomic } from "@airlora/model/node";
import { generate } from "selfsigned";

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 of the DER certificate, colon-separated hex: what a browser's certificate viewer shows. */
  readonly fingerprint256: string;
  readonly selfSigned: boolean;
  /** Where it came from: generated now, reused from the cache, or the user's files. */
  readonly origin: "generated" | "cached" | "provided";
  readonly validTo: string;
  /** DNS names and IP addresses the certificate is valid for. */
  readonly names: readonly string[];
}

const DAY_MS = 86_400_000;
const VALID_DAYS = 825; // the longest validity Apple platforms accept for a TLS server certificate

/** Every address and name a participant could reach this machine by. */
export function localNames(): { ips: string[]; dns: string[] } {
  const ips = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((a) => !(a.family === "IPv6" && a.address.startsWith("fe80")))
    .map((a) => a.address);
  const host = hostname();
  const dns = [...new Set(["localhost", host, host.includes(".") ? host : `${host}.local`])];
  return { ips: [...new Set(["127.0.0.1", "::1", ...ips])], dns };
}

export function providedCertificate(certPath: string, keyPath: string): Result<TlsMaterial> {
  try {
    const cert = readFileSync(certPath, "utf8");
    const key = readFileSync(keyPath, "utf8");
    if (!new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
      return fail({ code: "bad-certificate", reason: `${keyPath} is not the private key of ${certPath}` });
    }
    return ok(describe(cert, key, "provided"));
  } catch (error) {
    return fail({ code: "bad-certificate", reason: error instanceof Error ? error.message : String(error) });
  }
}

/** The cached self-signed certificate under `dir` if it still fits this machine, otherwise a new one saved there. */
export async function selfSignedCertificate(dir: string, now = new Date()): Promise<Result<TlsMaterial>> {
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const names = localNames();
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cached = describe(readFileSync(certPath, "utf8"), readFileSync(keyPath, "utf8"), "cached");
    const known = new Set(cached.names.map(canonicalName));
    const covers = [...names.ips, ...names.dns].every((name) => known.has(canonicalName(name)));
    const lasts = Date.parse(cached.validTo) - now.getTime() > 30 * DAY_MS;
    if (covers && lasts) return ok(cached);
  }
  try {
    const pems = await generate([{ name: "commonName", value: `AirLoRA coordinator on ${hostname()}` }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + VALID_DAYS * DAY_MS),
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        {
          name: "subjectAltName",
          altNames: [
            ...names.dns.map((value) => ({ type: 2 as const, value })),
            ...names.ips.map((ip) => ({ type: 7 as const, ip })),
          ],
        },
      ],
    });
    writeFileAtomic(keyPath, pems.private, { mode: 0o600 });
    writeFileAtomic(certPath, pems.cert);
    return ok(describe(pems.cert, pems.private, "generated"));
  } catch (error) {
    return fail({ code: "certificate-failed", reason: error instanceof Error ? error.message : String(error) });
  }
}

/** One spelling per name: DNS names lower case, IPv6 addresses with every group written out ("::1" is
 * "0:0:0:0:0:0:0:1", the way certificates print them). */
function canonicalName(name: string): string {
  if (!name.includes(":")) return name.toLowerCase();
  const [head = "", tail] = name.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - left.length - right.length }, () => "0");
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16)).join(":");
}

function describe(cert: string, key: string, origin: TlsMaterial["origin"]): TlsMaterial {
  const x509 = new X509Certificate(cert);
  const names = (x509.subjectAltName ?? "")
    .split(", ")
    .map((entry) => entry.replace(/^(DNS|IP Address):/u, ""))
    .filter((name) => name !== "");
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    selfSigned: x509.issuer === x509.subject,
    origin,
    validTo: new Date(x509.validTo).toISOString(),
    names,
  };
}
