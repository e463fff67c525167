import { createHash } from "node:crypto";
import { PROTOCOL_VERSION, type Hello } from "@airlora/protocol";
import { describe, expect, it } from "vitest";
import {
  admit,
  connectedCount,
  emptyRegistry,
  expireAway,
  hasRoomFor,
  identitiesOf,
  invalidMessageFrom,
  restoreRegistry,
  socketClosed,
  visibilityOf,
  type HelloReceived,
} from "./registry";

const TOKEN_A = "a".repeat(32);
const TOKEN_B = "b".repeat(32);

function hello(resumeToken?: string): Hello {
  const base: Hello = { protocolVersion: PROTOCOL_VERSION, backend: "wasm", probe: [], userAgent: "test" };
  return resumeToken === undefined ? base : { ...base, resumeToken };
}

const hashOf = (token: string): string => createHash("sha256").update(token).digest("hex");

/** A hello on `socketId`, presenting `token` (or none), and the identity to hand out if it resumes nothing. */
function helloFrom(
  socketId: string,
  token: string | undefined,
  now: number,
  clientId: string,
  freshToken: string,
): HelloReceived {
  return {
    socketId,
    hello: hello(token),
    resumeTokenHash: token === undefined ? undefined : hashOf(token),
    now,
    fresh: { clientId, resumeToken: freshToken, resumeTokenHash: hashOf(freshToken) },
  };
}

describe("client registry", () => {
  it("gives a new client the fresh identity and counts it connected", () => {
    const step = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    expect(step.resumed).toBe(false);
    expect(step.client.clientId).toBe("c-000000000001");
    expect(connectedCount(step.registry)).toBe(1);
  });

  it("keeps what a client's page last said about its visibility, until its next connection", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const hidden = visibilityOf(first.registry, "c-000000000001", true, 5);
    expect(hidden.clients.get("c-000000000001")).toMatchObject({ hidden: true, lastSeenAt: 5 });
    expect(visibilityOf(hidden, "c-000000000001", false, 6).clients.get("c-000000000001")?.hidden).toBe(false);
    expect(visibilityOf(hidden, "c-00000000000f", true, 6)).toBe(hidden);
    const back = admit(socketClosed(hidden, "s1", 7), helloFrom("s2", TOKEN_A, 8, "c-000000000002", TOKEN_B));
    expect(back.client.hidden).toBeUndefined();
  });

  it("gives back the same clientId to a reconnect that presents the resumeToken", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const away = socketClosed(first.registry, "s1", 2);
    expect(connectedCount(away)).toBe(0);
    const back = admit(away, helloFrom("s2", TOKEN_A, 3, "c-000000000002", TOKEN_B));
    expect(back.resumed).toBe(true);
    expect(back.client.clientId).toBe("c-000000000001");
    expect(back.replacedSocketId).toBeNull();
    expect(back.registry.clients.size).toBe(1);
    expect(connectedCount(back.registry)).toBe(1);
  });

  it("takes an identity over from a stale socket and names it for disconnection", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const again = admit(first.registry, helloFrom("s2", TOKEN_A, 2, "c-000000000002", TOKEN_B));
    expect(again.replacedSocketId).toBe("s1");
    // The old socket closing afterwards must not mark the client away: it no longer speaks for it.
    expect(connectedCount(socketClosed(again.registry, "s1", 3))).toBe(1);
  });

  it("treats an unknown resumeToken as a new client", () => {
    const step = admit(emptyRegistry(), helloFrom("s1", TOKEN_B, 1, "c-000000000001", TOKEN_A));
    expect(step.resumed).toBe(false);
    expect(step.resumeToken).toBe(TOKEN_A);
    expect(step.client.resumeTokenHash).toBe(hashOf(TOKEN_A));
  });

  it("counts invalid messages per client", () => {
    const step = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const twice = invalidMessageFrom(invalidMessageFrom(step.registry, "c-000000000001"), "c-000000000001");
    expect(twice.clients.get("c-000000000001")?.invalidMessages).toBe(2);
  });

  it("forgets identities away longer than the recovery window and keeps connected ones", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const second = admit(first.registry, helloFrom("s2", undefined, 1, "c-000000000002", TOKEN_B));
    const away = socketClosed(second.registry, "s1", 10);
    expect(expireAway(away, 100, 200).expired).toEqual([]);
    const expired = expireAway(away, 300, 200);
    expect(expired.expired).toEqual(["c-000000000001"]);
    expect([...expired.registry.clients.keys()]).toEqual(["c-000000000002"]);
    expect(expired.registry.byTokenHash.has(hashOf(TOKEN_A))).toBe(false);
    expect(second.client.joinIndex).toBe(1);
  });

  it("has room for a returning identity when full, not for a new one", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    expect(hasRoomFor(first.registry, undefined, 1)).toBe(false);
    expect(hasRoomFor(first.registry, hashOf(TOKEN_A), 1)).toBe(true);
    expect(hasRoomFor(first.registry, undefined, 2)).toBe(true);
  });

  it("keeps no resume token in the clear, and a restored registry lets its identities back in, away until then", () => {
    const first = admit(emptyRegistry(), helloFrom("s1", undefined, 1, "c-000000000001", TOKEN_A));
    const second = admit(first.registry, helloFrom("s2", undefined, 2, "c-000000000002", TOKEN_B));
    const saved = identitiesOf(second.registry);
    expect(JSON.stringify(saved)).not.toContain(TOKEN_A);
    const restored = restoreRegistry(JSON.parse(JSON.stringify(saved)) as typeof saved, 1000);
    expect(connectedCount(restored)).toBe(0);
    expect(expireAway(restored, 1100, 200).expired).toEqual([]);
    const back = admit(restored, helloFrom("s9", TOKEN_B, 1001, "c-000000000009", TOKEN_A));
    expect(back.resumed).toBe(true);
    expect(back.client.clientId).toBe("c-000000000002");
    expect(back.client.joinIndex).toBe(1);
    // A newcomer after the restore takes the next shard, not shard 0 again.
    const newcomer = admit(back.registry, helloFrom("s8", undefined, 1002, "c-000000000003", "c".repeat(32)));
    expect(newcomer.client.joinIndex).toBe(2);
  });
});
