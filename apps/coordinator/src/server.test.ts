// The coordinator over real sockets: a socket.io client against the real server on an ephemeral port.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { ClientsSnapshot, ErrorMessage, Health, type Hello, PROTOCOL_VERSION, Welcome } from "@airlora/protocol";
import { defaultConfig } from "./config";
import { silentLogger } from "./log";
import { startCoordinator, type RunningCoordinator } from "./server";
import { MAX_INVALID_MESSAGES } from "./sockets/client-namespace";

const JOIN = "join-token-for-tests";
const ADMIN = "admin-token-for-tests";
const HELLO: Hello = { protocolVersion: PROTOCOL_VERSION, backend: "cpu", probe: [], userAgent: "vitest" };

let coordinator: RunningCoordinator;
let origin: string;
const sockets: Socket[] = [];

beforeEach(async () => {
  coordinator = await startCoordinator(
    defaultConfig({ port: 0, host: "127.0.0.1", joinToken: JOIN, adminToken: ADMIN, webRoot: "/nonexistent" }),
    silentLogger,
  );
  origin = `http://127.0.0.1:${String(coordinator.port)}`;
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await coordinator.close();
});

function connect(namespace: "/client" | "/dashboard", token: string): Socket {
  const socket = io(`${origin}${namespace}`, { auth: { token }, transports: ["websocket"], reconnection: false });
  sockets.push(socket);
  return socket;
}

function next(socket: Socket, event: string): Promise<unknown> {
  return new Promise((resolve) => socket.once(event, resolve));
}

async function join(hello: Hello = HELLO): Promise<{ socket: Socket; welcome: Welcome }> {
  const socket = connect("/client", JOIN);
  await next(socket, "connect");
  const reply = next(socket, "welcome");
  socket.emit("hello", hello);
  return { socket, welcome: Welcome.parse(await reply) };
}

async function health(): Promise<Health> {
  return Health.parse(await (await fetch(`${origin}/api/health`)).json());
}

describe("coordinator", () => {
  it("welcomes a hello with a new identity and counts the client in /api/health", async () => {
    expect(await health()).toMatchObject({ ok: true, state: "idle", round: 0, clients: 0 });
    const { welcome } = await join();
    expect(welcome.resumed).toBe(false);
    expect(await health()).toMatchObject({ clients: 1 });
  });

  it("gives the same clientId back to a reconnect with the resumeToken", async () => {
    const first = await join();
    first.socket.disconnect();
    await expect.poll(async () => (await health()).clients).toBe(0);
    const again = await join({ ...HELLO, resumeToken: first.welcome.resumeToken });
    expect(again.welcome).toMatchObject({ clientId: first.welcome.clientId, resumed: true });
    expect(await health()).toMatchObject({ clients: 1 });
  });

  it("takes the identity over from a stale connection and tells the stale one why", async () => {
    const first = await join();
    const replaced = next(first.socket, "error");
    const again = await join({ ...HELLO, resumeToken: first.welcome.resumeToken });
    expect(again.welcome.clientId).toBe(first.welcome.clientId);
    expect(ErrorMessage.parse(await replaced).code).toBe("replaced");
    await expect.poll(async () => (await health()).clients).toBe(1);
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
    expect((await join()).welcome.resumed).toBe(false);
  });

  it("answers another protocol version with protocol-version", async () => {
    const socket = connect("/client", JOIN);
    await next(socket, "connect");
    const reply = next(socket, "error");
    socket.emit("hello", { ...HELLO, protocolVersion: PROTOCOL_VERSION + 1 });
    expect(ErrorMessage.parse(await reply).code).toBe("protocol-version");
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

  it("streams client snapshots to a dashboard holding the admin token and refuses the join token there", async () => {
    const refused = connect("/dashboard", JOIN);
    expect(((await next(refused, "connect_error")) as Error).message).toMatch(/^bad-token/u);

    const dashboard = connect("/dashboard", ADMIN);
    const initial = ClientsSnapshot.parse(await next(dashboard, "clients"));
    expect(initial.clients).toHaveLength(0);
    const update = next(dashboard, "clients");
    const { welcome } = await join();
    const snapshot = ClientsSnapshot.parse(await update);
    expect(snapshot.clients).toEqual([
      expect.objectContaining({ clientId: welcome.clientId, connected: true, backend: "cpu" }),
    ]);
  });

  it("answers unknown API paths with a JSON 404 and explains missing pages", async () => {
    const api = await fetch(`${origin}/api/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: "not-found" });
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("npm run build");
  });
});
