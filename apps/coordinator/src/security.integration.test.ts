// The coordinator against someone who holds its address but not its secrets (docs/reliability.md, "Hostile
// input"), over real HTTP and sockets: wrong tokens make their address wait, ever longer; an address cannot hold
// more than its share of connections; the default namespace takes no one; every response carries the headers that
// keep the pages to themselves. Another address (127.0.0.2 is loopback too) is not affected by any of it.
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_LIMITS } from "./security/access-guard";
import { ADMIN, JOIN, startTestCoordinator, type TestCoordinator } from "./test-support/federation";

let run: TestCoordinator;
const sockets: Socket[] = [];
const CAP = 6;

beforeAll(async () => {
  run = await startTestCoordinator(
    { rank: 4, minClients: 50 },
    { accessLimits: { ...DEFAULT_ACCESS_LIMITS, freeFailures: 3, baseBackoffMs: 2000, connectionsPerAddress: CAP } },
  );
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await run.close();
});

/** A socket.io connection from `localAddress`, resolved with how it ended: connected, or the refusal. */
function connect(namespace: string, token: string, localAddress: string): Promise<{ socket: Socket; error?: string }> {
  const socket = io(`${run.origin}${namespace}`, {
    auth: { token },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true, // one engine.io connection per socket, from its own address
    localAddress,
  } as Parameters<typeof io>[1]);
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once("connect", () => {
      resolve({ socket });
    });
    socket.once("connect_error", (error) => {
      resolve({ socket, error: error.message });
    });
  });
}

describe("limits and hostile input", () => {
  it("a guesser gets a few 401s, then only 429s with a growing Retry-After; other addresses are served", async () => {
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 200; i += 1) {
      const response = await fetch(`${run.origin}/api/state`, {
        headers: { authorization: `Bearer wrong-${String(i)}` },
      });
      statuses.push(response.status);
    }
    const tried = statuses.filter((s) => s === 401).length;
    const seconds = (Date.now() - started) / 1000;
    // 3 free tries and the one that starts the wait; the wait outlasts the loop.
    expect(tried).toBe(4);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    process.stdout.write(
      `wrong tokens that reached a comparison: ${String(tried)} of 200 in ${seconds.toFixed(2)} s\n`,
    );
    // Even the right token waits while its address is backing off.
    const right = await fetch(`${run.origin}/api/state`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("the backing-off address gets no socket either, while another address joins", async () => {
    const refused = await connect("/client", JOIN, "127.0.0.1");
    expect(refused.error).toBeDefined();
    const other = await connect("/client", JOIN, "127.0.0.2");
    expect(other.error).toBeUndefined();
    other.socket.disconnect();
  });

  it("a wrong join token over a socket counts like one over HTTP", async () => {
    const results: (string | undefined)[] = [];
    for (let i = 0; i < 6; i += 1)
      results.push((await connect("/client", `wrong-token-${String(i)}`, "127.0.0.3")).error);
    expect(results.slice(0, 4).every((e) => e?.startsWith("bad-token") === true)).toBe(true);
    expect(results.slice(4).every((e) => e !== undefined && !e.startsWith("bad-token"))).toBe(true);
  });

  it("one address holds at most its share of connections, and a closed one frees its slot", async () => {
    const open = await Promise.all(Array.from({ length: CAP }, () => connect("/client", JOIN, "127.0.0.4")));
    expect(open.every((c) => c.error === undefined)).toBe(true);
    const over = await connect("/client", JOIN, "127.0.0.4");
    expect(over.error).toBeDefined();
    open[0]?.socket.disconnect();
    await expect.poll(async () => (await connect("/client", JOIN, "127.0.0.4")).error).toBeUndefined();
    for (const c of open) c.socket.disconnect();
  });

  it("the default namespace takes no socket, even with the right token", async () => {
    const root = await connect("/", JOIN, "127.0.0.5");
    expect(root.error).toMatch(/no-namespace/u);
  });

  it("every response carries CSP, no-referrer, nosniff and no framing", async () => {
    for (const path of ["/", "/dashboard", "/api/health", "/api/nothing"]) {
      const response = await fetch(`${run.origin}${path}`, { headers: { "x-test": "headers" } });
      expect(response.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/u);
      expect(response.headers.get("content-security-policy")).toMatch(/script-src 'self' 'wasm-unsafe-eval'/u);
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });
});
