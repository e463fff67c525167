// The coordinator over real sockets and HTTP: socket.io clients and fetch against the real server on an ephemeral
// port, its run prepared (spam on nano, rank given so no pilot runs) but never started (a quorum of 50).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import {
  ClientsDelta,
  ClientsSnapshot,
  ControlAck,
  JoinInfo,
  RunView,
  ErrorMessage,
  Health,
  type Hello,
  PROTOCOL_VERSION,
  SessionInfo,
  Welcome,
} from "@airlora/protocol";
import { DEFAULT_ACCESS_LIMITS } from "./security/access-guard";
import { MAX_INVALID_MESSAGES } from "./sockets/client-namespace";
import { ADMIN, JOIN, startTestCoordinator, type TestCoordinator } from "./test-support/federation";

const HELLO: Hello = { protocolVersion: PROTOCOL_VERSION, backend: "cpu", probe: [], userAgent: "vitest" };
const MAX_CLIENTS = 60;

let run: TestCoordinator;
const sockets: Socket[] = [];

beforeAll(async () => {
  // Wrong tokens are part of this suite, all from 127.0.0.1: the backoff has its own suite (security.integration).
  run = await startTestCoordinator(
    { rank: 4, minClients: 50, maxClients: MAX_CLIENTS },
    { accessLimits: { ...DEFAULT_ACCESS_LIMITS, freeFailures: 1_000_000, connectionsPerAddress: 1000 } },
  );
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await expect.poll(async () => (await health()).clients).toBe(0);
});

afterAll(async () => {
  await run.close();
});

function connect(namespace: "/client" | "/dashboard", token: string): Socket {
  const socket = io(`${run.origin}${namespace}`, { auth: { token }, transports: ["websocket"], reconnection: false });
  sockets.push(socket);
  return socket;
}

function next(socket: Socket, event: string): Promise<unknown> {
  return new Promise((resolve) => socket.once(event, resolve));
}

async function join(hello: Hello = HELLO): Promise<{ socket: Socket; welcome: Welcome; session: SessionInfo }> {
  const socket = connect("/client", JOIN);
  await next(socket, "connect");
  const reply = next(socket, "welcome");
  const session = next(socket, "session");
  socket.emit("hello", hello);
  return { socket, welcome: Welcome.parse(await reply), session: SessionInfo.parse(await session) };
}

async function health(): Promise<Health> {
  return Health.parse(await (await fetch(`${run.origin}/api/health`)).json());
}

describe("coordinator", () => {
  it("welcomes a hello with a new identity and the run's session, and counts the client in /api/health", async () => {
    expect(await health()).toMatchObject({ ok: true, state: "waiting", round: 0, clients: 0 });
    const { welcome, session } = await join();
    expect(welcome.resumed).toBe(false);
    expect(session).toMatchObject({ task: "spam", preset: "nano", rule: "soft" });
    expect(await health()).toMatchObject({ clients: 1 });
  });

  it("gives the same clientId back to a reconnect with the resumeToken", async () => {
    const first = await join();
    first.socket.disconnect();
    await expect.poll(async () => (await health()).clients).toBe(0);
    const again = await join({ ...HELLO, resumeToken: first.welcome.resumeToken });
    expect(again.welcome).toMatchObject({ clientId: first.welcome.clientId, resumed: true });
    expect(again.session.shard.path).toBe(first.session.shard.path);
  });

  it("takes the identity over from a stale connection and tells the stale one why", async () => {
    const first = await join();
    const replaced = next(first.socket, "error");
    const again = await join({ ...HELLO, resumeToken: first.welcome.resumeToken });
    expect(again.welcome.clientId).toBe(first.welcome.clientId);
    expect(ErrorMessage.parse(await replaced).code).toBe("replaced");
    await expect.poll(async () => (await health()).clients).toBe(1);
  });

  it("refuses a second hello on a connection that already speaks for a client", async () => {
    const { socket, welcome } = await join();
    const reply = next(socket, "error");
    socket.emit("hello", HELLO);
    const error = ErrorMessage.parse(await reply);
    expect(error).toMatchObject({ code: "already-joined", inReplyTo: "hello" });
    expect(error.reason).toContain(welcome.clientId);
  });

  it("refuses a handshake without the join token", async () => {
    const socket = connect("/client", "not-the-token");
    const error = (await next(socket, "connect_error")) as Error;
    expect(error.message).toMatch(/^bad-token/u);
  });

  it("answers a malformed hello with bad-message naming the field, and stays up", async () => {
    const socket = connect("/client", JOIN);
    await next(socket, "connect");
    const reply = next(socket, "error");
    socket.emit("hello", { ...HELLO, backend: "tpu" });
    const error = ErrorMessage.parse(await reply);
    expect(error).toMatchObject({ code: "bad-message", inReplyTo: "hello" });
    expect(error.reason).toContain("backend");
  });

  it("answers another protocol version with protocol-version, and round messages before hello with not-joined", async () => {
    const socket = connect("/client", JOIN);
    await next(socket, "connect");
    const versionReply = next(socket, "error");
    socket.emit("hello", { ...HELLO, protocolVersion: PROTOCOL_VERSION + 1 });
    expect(ErrorMessage.parse(await versionReply).code).toBe("protocol-version");
    const early = next(socket, "error");
    socket.emit("ready", { probeUploadMs: 1, downloadMs: 1, backend: "cpu" });
    expect(ErrorMessage.parse(await early)).toMatchObject({ code: "not-joined", inReplyTo: "ready" });
  });

  it("answers unknown messages with unknown-message and disconnects a client that keeps sending junk", async () => {
    const socket = connect("/client", JOIN);
    await next(socket, "connect");
    const first = next(socket, "error");
    socket.emit("shout", 1);
    expect(ErrorMessage.parse(await first)).toMatchObject({ code: "unknown-message", inReplyTo: "shout" });
    const gone = next(socket, "disconnect");
    for (let i = 1; i < MAX_INVALID_MESSAGES; i += 1) socket.emit("hello", "junk");
    expect(await gone).toBe("io server disconnect");
  });

  it("refuses a ready before the uplink probe and an upload chunk without an acknowledgement callback", async () => {
    const { socket } = await join();
    const notYet = next(socket, "error");
    socket.emit("ready", { probeUploadMs: 1, downloadMs: 1, backend: "cpu" });
    expect(ErrorMessage.parse(await notYet)).toMatchObject({ code: "out-of-order" });
    const ack: unknown = await socket
      .timeout(5000)
      .emitWithAck("upload-chunk", { purpose: "probe", round: 0, offset: 0, totalBytes: 7 }, new Uint8Array(7));
    expect(ack).toMatchObject({ ok: false, code: "bad-chunk" });
  });

  it("sends a dashboard the clients on connect, then only the rows that changed", async () => {
    const refused = connect("/dashboard", JOIN);
    expect(((await next(refused, "connect_error")) as Error).message).toMatch(/^bad-token/u);
    const dashboard = connect("/dashboard", ADMIN);
    const initial = ClientsSnapshot.parse(await next(dashboard, "clients"));
    const rows: number[] = [];
    dashboard.on("clients-delta", (payload: unknown) => {
      rows.push(ClientsDelta.parse(payload).changed.length);
    });
    const joined = await Promise.all(Array.from({ length: 10 }, () => join()));
    await expect.poll(() => rows.reduce((s, n) => s + n, 0)).toBeGreaterThanOrEqual(10);
    // Deltas carry each new client about once; snapshots after every join would carry 10 + 9 + ... + 1 = 55 rows.
    expect(rows.reduce((s, n) => s + n, 0)).toBeLessThanOrEqual(20);
    expect(initial.clients.length).toBeGreaterThanOrEqual(0);
    for (const { socket } of joined) socket.disconnect();
  });

  it("gives a dashboard the join URL with its QR code and takes controls with an answer in the acknowledgement", async () => {
    const dashboard = connect("/dashboard", ADMIN);
    const info = JoinInfo.parse(await next(dashboard, "join-info"));
    expect(new URL(info.joinUrl).searchParams.get("token")).toBe(JOIN);
    expect(info.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/u);
    const views: RunView[] = [];
    dashboard.on("run", (payload: unknown) => views.push(RunView.parse(payload)));
    const control = async (payload: unknown): Promise<ControlAck> =>
      ControlAck.parse(await dashboard.timeout(5000).emitWithAck("control", payload));
    expect(await control({ action: "start" })).toMatchObject({ ok: false, code: "below-quorum" });
    expect(await control({ action: "reboot" })).toMatchObject({ ok: false, code: "bad-message" });
    expect(await control({ action: "pause" })).toEqual({ ok: true, action: "pause" });
    await expect
      .poll(() => views.at(-1))
      .toMatchObject({ state: "paused", paused: true, controls: ["resume", "stop"] });
    expect((await health()).state).toBe("paused");
    expect(await control({ action: "pause" })).toMatchObject({ ok: false, code: "paused" });
    expect(await control({ action: "resume" })).toEqual({ ok: true, action: "resume" });
    await expect.poll(() => views.at(-1)).toMatchObject({ state: "waiting", paused: false });
    // The participants' namespace knows no such message.
    const { socket } = await join();
    const refused = next(socket, "error");
    socket.emit("control", { action: "stop" });
    expect(ErrorMessage.parse(await refused).code).toBe("unknown-message");
  });

  it("keeps the admin API behind the admin token and the run's files behind the join token", async () => {
    expect((await fetch(`${run.origin}/api/state`)).status).toBe(401);
    const state = await fetch(`${run.origin}/api/state`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await state.json()).toMatchObject({ stage: "waiting", rank: null });
    const rounds = await fetch(`${run.origin}/api/rounds`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await rounds.json()).toEqual({ rounds: [] });
    const metrics = await fetch(`${run.origin}/api/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await metrics.json()).toMatchObject({
      tcpBytesIn: expect.any(Number) as unknown,
      cpuUserMs: expect.any(Number) as unknown,
    });
    const { session } = await join();
    expect((await fetch(`${run.origin}${session.model.weights}`)).status).toBe(401);
    const weights = await fetch(`${run.origin}${session.model.weights}`, {
      headers: { authorization: `Bearer ${JOIN}` },
    });
    expect(weights.status).toBe(200);
    const etag = weights.headers.get("etag") ?? "";
    expect((await weights.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const cached = await fetch(`${run.origin}${session.model.weights}`, {
      headers: { authorization: `Bearer ${JOIN}`, "if-none-match": etag },
    });
    expect(cached.status).toBe(304);
  });

  it("sends a shard compressed to a client that accepts brotli or gzip, and the same bytes to one that does not", async () => {
    const { session } = await join();
    const get = (encoding: string) =>
      fetch(`${run.origin}${session.shard.path}`, {
        headers: { authorization: `Bearer ${JOIN}`, "accept-encoding": encoding },
      });
    const plain = await get("identity");
    expect(plain.headers.get("content-encoding")).toBeNull();
    const raw = new Uint8Array(await plain.arrayBuffer());
    expect(raw.length).toBe(session.shard.bytes);
    for (const encoding of ["br", "gzip"]) {
      const packed = await get(encoding);
      expect(packed.headers.get("content-encoding")).toBe(encoding);
      expect(packed.headers.get("etag")).not.toBe(plain.headers.get("etag"));
      expect(Number(packed.headers.get("content-length"))).toBeLessThan(raw.length * 0.6);
      // fetch decodes it: the same bytes arrive
      expect(new Uint8Array(await packed.arrayBuffer())).toEqual(raw);
    }
  });

  it("answers unknown API paths with a JSON 404 and explains missing pages", async () => {
    const api = await fetch(`${run.origin}/api/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: "not-found" });
    const page = await fetch(`${run.origin}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("npm run build");
  });
  // Last: it fills the registry.
  it("refuses a new identity once it holds --max-clients, but still lets a known one back", async () => {
    // Identities of earlier tests are away but still held (until the recovery window passes): fill what is left.
    const room = MAX_CLIENTS - run.coordinator.store.get().clients.size;
    const joined = await Promise.all(Array.from({ length: room }, () => join()));
    const extra = connect("/client", JOIN);
    await next(extra, "connect");
    const refused = next(extra, "error");
    extra.emit("hello", HELLO);
    expect(ErrorMessage.parse(await refused).code).toBe("full");
    const known = joined[0];
    if (known === undefined) throw new Error("no client");
    known.socket.disconnect();
    const back = await join({ ...HELLO, resumeToken: known.welcome.resumeToken });
    expect(back.welcome.resumed).toBe(true);
    for (const { socket } of joined) socket.disconnect();
  });
});
