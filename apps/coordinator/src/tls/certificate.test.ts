// The self-signed certificate of `--https`: valid for every address of this machine, kept and reused, replaced when
// it no longer fits; a user's certificate is checked against its key.
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localNames, providedCertificate, selfSignedCertificate } from "./certificate";

describe("TLS certificate", () => {
  it("names every local address and the hostname, keeps its key private, and is reused on the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "airlora-tls-"));
    const first = await selfSignedCertificate(dir);
    if (!first.ok) throw new Error(first.error.reason);
    expect(first.value.origin).toBe("generated");
    expect(first.value.selfSigned).toBe(true);
    const x509 = new X509Certificate(first.value.cert);
    for (const ip of localNames().ips.filter((a) => !a.includes(":"))) expect(x509.checkIP(ip)).toBe(ip);
    for (const name of localNames().dns) expect(x509.checkHost(name)).toBe(name);
    expect(first.value.fingerprint256).toBe(x509.fingerprint256);
    expect(statSync(join(dir, "key.pem")).mode & 0o077).toBe(0);
    const again = await selfSignedCertificate(dir);
    expect(again.ok && again.value.origin).toBe("cached");
    expect(again.ok && again.value.fingerprint256).toBe(first.value.fingerprint256);
  });

  it("makes a new one when the cached one is about to expire", async () => {
    const dir = mkdtempSync(join(tmpdir(), "airlora-tls-"));
    const first = await selfSignedCertificate(dir, new Date(Date.now() - 800 * 86_400_000));
    if (!first.ok) throw new Error(first.error.reason);
    const next = await selfSignedCertificate(dir);
    expect(next.ok && next.value.origin).toBe("generated");
    expect(next.ok && next.value.fingerprint256).not.toBe(first.value.fingerprint256);
  });

  it("accepts a provided certificate only with its own key", async () => {
    const [a, b] = [mkdtempSync(join(tmpdir(), "airlora-tls-")), mkdtempSync(join(tmpdir(), "airlora-tls-"))];
    await selfSignedCertificate(a);
    await selfSignedCertificate(b);
    const good = providedCertificate(join(a, "cert.pem"), join(a, "key.pem"));
    expect(good.ok && good.value.origin).toBe("provided");
    const mixed = providedCertificate(join(a, "cert.pem"), join(b, "key.pem"));
    expect(mixed.ok ? "" : mixed.error.reason).toMatch(/not the private key/u);
    writeFileSync(join(b, "cert.pem"), readFileSync(join(b, "cert.pem"), "utf8").slice(0, 100));
    expect(providedCertificate(join(b, "cert.pem"), join(b, "key.pem")).ok).toBe(false);
  });
});
