// Crash and resume as it happens (docs/reliability.md): a real `airlora start` process is killed with SIGKILL once
// round 2 is logged, while round 3 is in flight, and started again with `--resume`. The same Node participants
// reconnect on their own with their resume tokens: round 3 runs again from its start, they keep their clientIds,
// the log holds every round once, and the resumed round 3 starts from the round-2 checkpoint, byte for byte.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adapterFromNamedTensors, type AdapterSpec } from "@airlora/core";
import { readSafetensors } from "@airlora/model";
import { decodeUpdate } from "@airlora/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, JOIN, startParticipants, type TestParticipants } from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";
import { checkpointPaths } from "./run/run-directory";

const CLI = new URL("../bin/airlora.mjs", import.meta.url).pathname;
const ROUNDS = 4;

let port = 0;
let runDir = "";
let participants: TestParticipants;
let resumed: ChildProcess | undefined;
let resumedOutput = "";
const idsBefore: string[] = [];

beforeAll(async () => {
  port = await freePort();
  const out = mkdtempSync(join(tmpdir(), "airlora-resume-"));
  const first = coordinator([
    ...["--model", "nano", "--task", "spam", "--rounds", String(ROUNDS), "--min-clients", "2", "--shards", "2"],
    ...["--local-steps", "5", "--rank", "4", "--out", out, "--join-token", JOIN, "--admin-token", ADMIN],
  ]);
  runDir = await runDirectoryOf(first.output);
  participants = startParticipants(`http://127.0.0.1:${String(port)}`, 2);
  await waitUntil(() => loggedRounds().includes(2), 180_000, "round 2 logged");
  first.process.kill("SIGKILL");
  await new Promise((resolve) => first.process.once("exit", resolve));
  for (const index of [0, 1]) idsBefore.push(participants.clientId(index) ?? "");

  const second = coordinator(["--resume", runDir]);
  resumed = second.process;
  second.output.on((text) => (resumedOutput += text));
  await waitUntil(() => existsSync(join(runDir, "summary.json")), 240_000, "the resumed run finishes");
});

afterAll(async () => {
  await participants.stop();
  resumed?.kill("SIGTERM");
});

describe("kill -9 and --resume", () => {
  it("logs every round exactly once, 0..N, with the round in flight at the kill run again", () => {
    expect(readRoundLog(runDir).map((line) => line.round)).toEqual([0, 1, 2, 3, 4]);
    expect(resumedOutput).toMatch(/Resuming \S+ after round 2/u);
  });

  it("the participants reconnect by themselves, resume their identities and train in the resumed rounds", () => {
    expect(idsBefore.every((id) => /^c-[0-9a-f]{12}$/u.test(id))).toBe(true);
    for (const [index, id] of idsBefore.entries()) {
      const joins = (participants.events[index] ?? []).filter((e) => e.type === "joined");
      expect(joins.length).toBeGreaterThanOrEqual(2);
      expect(joins.at(-1)).toMatchObject({ clientId: id, resumed: true });
    }
    for (const line of readRoundLog(runDir).filter((l) => l.round >= 3)) {
      expect(line.clients.map((c) => c.id).sort()).toEqual([...idsBefore].sort());
      expect(line.clients.every((c) => c.status === "submitted")).toBe(true);
    }
    expect(participants.crashes).toEqual([]);
  });

  it("the resumed round 3 starts from the round-2 checkpoint, byte for byte", async () => {
    const manifest = JSON.parse(readFileSync(join(runDir, "manifest.json"), "utf8")) as {
      adapter: { alpha: number; modules: AdapterSpec["modules"]; dense: AdapterSpec["dense"] };
    };
    const spec: AdapterSpec = { ...manifest.adapter };
    const file = readSafetensors(new Uint8Array(readFileSync(checkpointPaths(runDir, 2).adapter)));
    if (!file.ok) throw new Error(file.error.reason);
    const saved = adapterFromNamedTensors(spec, file.value.tensors);
    if (!saved.ok) throw new Error(saved.error.reason);
    const response = await fetch(`http://127.0.0.1:${String(port)}/api/run/rounds/3/global.bin`, {
      headers: { authorization: `Bearer ${JOIN}` },
    });
    expect(response.status).toBe(200);
    const global = decodeUpdate(spec, new Uint8Array(await response.arrayBuffer()), { kind: "dense", round: 3 });
    if (!global.ok) throw new Error(global.error.reason);
    const bytes = (values: readonly Float32Array[]) =>
      values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    const sent = global.value.update;
    if (sent.kind !== "dense") throw new Error("the global is dense");
    expect(bytes(sent.modules.flatMap((m) => [m.a, m.b]))).toEqual(
      bytes(saved.value.modules.flatMap((m) => [m.a, m.b])),
    );
    expect(bytes(sent.dense)).toEqual(bytes(saved.value.dense));
  });

  it("keeps the tokens in a file only its owner can read, and resume tokens only as hashes", () => {
    expect(statSync(join(runDir, "secrets.json")).mode & 0o077).toBe(0);
    const state = readFileSync(checkpointPaths(runDir, 3).state, "utf8");
    expect(state).toMatch(/"resumeTokenHash":"[0-9a-f]{64}"/u);
    expect(state).not.toContain(JOIN);
  });
});

interface Coordinator {
  readonly process: ChildProcess;
  readonly output: { on(listener: (text: string) => void): void; text(): string };
}

function coordinator(args: readonly string[]): Coordinator {
  const child = spawn(process.execPath, [CLI, "start", "--host", "127.0.0.1", "--port", String(port), ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const listeners: ((text: string) => void)[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    for (const listener of listeners) listener(chunk.toString());
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return {
    process: child,
    output: {
      on: (listener) => {
        listeners.push(listener);
        listener(text);
      },
      text: () => text,
    },
  };
}

async function runDirectoryOf(output: Coordinator["output"]): Promise<string> {
  let dir: string | undefined;
  await waitUntil(
    () => {
      dir = /Run directory: (\S+)/u.exec(output.text())?.[1];
      return dir !== undefined;
    },
    120_000,
    `the coordinator's run directory (output so far: ${output.text().slice(-500)})`,
  );
  return dir ?? "";
}

function loggedRounds(): number[] {
  return existsSync(join(runDir, "rounds.jsonl")) ? readRoundLog(runDir).map((line) => line.round) : [];
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
