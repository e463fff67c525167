// `--https` end to end (docs/interfaces.md, "Phones over HTTPS"): a coordinator with the generated self-signed
// certificate; Node participants that trust it train a round over https and wss, one that does not trust it is
// refused by TLS itself, and plain http on the same port gets nothing.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDone, startParticipants, startTestCoordinator, type TestCoordinator } from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";
import { selfSignedCertificate } from "./tls/certificate";

let run: TestCoordinator;
let certPem = "";

beforeAll(async () => {
  const tlsDir = join(mkdtempSync(join(tmpdir(), "airlora-https-")), "tls");
  const tls = await selfSignedCertificate(tlsDir);
  if (!tls.ok) throw new Error(tls.error.reason);
  certPem = readFileSync(join(tlsDir, "cert.pem"), "utf8");
  run = await startTestCoordinator(
    { task: "spam", rounds: 1, minClients: 2, shards: 2, localSteps: 5, rank: 4 },
    { tls: tls.value },
  );
});

afterAll(async () => {
  await run.close();
});

describe("https", () => {
  it("a participant that does not trust the certificate cannot even fetch the session", async () => {
    const untrusting = startParticipants(run.origin, 1, () => [], { ca: undefined, insecure: false });
    const problem = await untrusting.waitFor(0, (e) => e.type === "connection" && e.state === "disconnected", 30_000);
    expect(JSON.stringify(problem)).toMatch(/self[- ]signed|certificate/iu);
    expect(untrusting.clientId(0)).toBeUndefined();
    await untrusting.stop();
  });

  it("plain http on the https port is not served", async () => {
    const plain = run.origin.replace("https:", "http:");
    await expect(fetch(`${plain}/api/health`)).rejects.toThrow();
  });

  it("participants trusting the generated certificate train a round over https and wss", async () => {
    expect(run.origin.startsWith("https://")).toBe(true);
    const participants = startParticipants(run.origin, 2, () => [], { ca: certPem, insecure: false });
    try {
      await runDone(run.engine, 120_000);
      const lines = readRoundLog(run.engine.run.directory.path);
      expect(lines.map((l) => l.round)).toEqual([0, 1]);
      for (const line of lines) expect(line.clients.map((c) => c.status)).toEqual(["submitted", "submitted"]);
      expect(participants.crashes).toEqual([]);
    } finally {
      await participants.stop();
    }
  });
});
