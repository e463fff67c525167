import { PROTOCOL_VERSION, type Hello } from "@airlora/protocol";
import { describe, expect, it } from "vitest";
import {
  admit,
  connectedCount,
  emptyRegistry,
  expireAway,
  hasRoomFor,
  invalidMessageFrom,
  socketClosed,
} from "./registry";

const TOKEN_A = "a".repeat(32);
const TOKEN_B = "b".repeat(32);

function hello(resumeToken?: string): Hello {
  const base: Hello = { protocolVersion: PROTOCOL_VERSION, backend: "wasm", probe: [], userAgent: "test" };
  return resumeToken === undefined ? base : { ...base, resumeToken };
}

describe("client registry", () => {
  it("gives a new client the fresh identity and counts it connected", () => {
    const step = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    expect(step.resumed).toBe(false);
    expect(step.client.clientId).toBe("c-000000000001");
    expect(connectedCount(step.registry)).toBe(1);
  });

  it("gives back the same clientId to a reconnect that presents the resumeToken", () => {
    const first = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    const away = socketClosed(first.registry, "s1", 2);
    expect(connectedCount(away)).toBe(0);
    const back = admit(away, {
      socketId: "s2",
      hello: hello(TOKEN_A),
      now: 3,
      fresh: { clientId: "c-000000000002", resumeToken: TOKEN_B },
    });
    expect(back.resumed).toBe(true);
    expect(back.client.clientId).toBe("c-000000000001");
    expect(back.replacedSocketId).toBeNull();
    expect(back.registry.clients.size).toBe(1);
    expect(connectedCount(back.registry)).toBe(1);
  });

  it("takes an identity over from a stale socket and names it for disconnection", () => {
    const first = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    const again = admit(first.registry, {
      socketId: "s2",
      hello: hello(TOKEN_A),
      now: 2,
      fresh: { clientId: "c-000000000002", resumeToken: TOKEN_B },
    });
    expect(again.replacedSocketId).toBe("s1");
    // The old socket closing afterwards must not mark the client away: it no longer speaks for it.
    expect(connectedCount(socketClosed(again.registry, "s1", 3))).toBe(1);
  });

  it("treats an unknown resumeToken as a new client", () => {
    const step = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(TOKEN_B),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    expect(step.resumed).toBe(false);
    expect(step.client.resumeToken).toBe(TOKEN_A);
  });

  it("counts invalid messages per client", () => {
    const step = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    const twice = invalidMessageFrom(invalidMessageFrom(step.registry, "c-000000000001"), "c-000000000001");
    expect(twice.clients.get("c-000000000001")?.invalidMessages).toBe(2);
  });

  it("forgets identities away longer than the recovery window and keeps connected ones", () => {
    const first = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    const second = admit(first.registry, {
      socketId: "s2",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000002", resumeToken: TOKEN_B },
    });
    const away = socketClosed(second.registry, "s1", 10);
    expect(expireAway(away, 100, 200).expired).toEqual([]);
    const expired = expireAway(away, 300, 200);
    expect(expired.expired).toEqual(["c-000000000001"]);
    expect([...expired.registry.clients.keys()]).toEqual(["c-000000000002"]);
    expect(expired.registry.byResumeToken.has(TOKEN_A)).toBe(false);
    expect(second.client.joinIndex).toBe(1);
  });

  it("has room for a returning identity when full, not for a new one", () => {
    const first = admit(emptyRegistry(), {
      socketId: "s1",
      hello: hello(),
      now: 1,
      fresh: { clientId: "c-000000000001", resumeToken: TOKEN_A },
    });
    expect(hasRoomFor(first.registry, hello(), 1)).toBe(false);
    expect(hasRoomFor(first.registry, hello(TOKEN_A), 1)).toBe(true);
    expect(hasRoomFor(first.registry, hello(), 2)).toBe(true);
  });
});
