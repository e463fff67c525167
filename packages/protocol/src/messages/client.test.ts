import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROTOCOL_VERSION } from "../version";
import { parseMessage } from "../parse";
import { Hello, Visibility, Welcome } from "./client";

const hello = { protocolVersion: PROTOCOL_VERSION, backend: "webgpu", probe: [], userAgent: "ua" };

describe("client messages", () => {
  it("accepts a well-formed hello with and without a resumeToken", () => {
    expect(parseMessage(Hello, hello).ok).toBe(true);
    expect(parseMessage(Hello, { ...hello, resumeToken: "x".repeat(43) }).ok).toBe(true);
  });

  it("rejects unknown fields, other protocol versions and bad tokens, naming the field", () => {
    const extra = parseMessage(Hello, { ...hello, admin: true });
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error.reason).toContain("admin");
    expect(parseMessage(Hello, { ...hello, protocolVersion: PROTOCOL_VERSION + 1 }).ok).toBe(false);
    const token = parseMessage(Hello, { ...hello, resumeToken: "short" });
    expect(!token.ok && token.error.reason.startsWith("resumeToken")).toBe(true);
  });

  it("never throws and never accepts arbitrary input as a hello or welcome", () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        expect(parseMessage(Hello, input).ok).toBe(false);
        expect(parseMessage(Welcome, input).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("a visibility message is exactly one boolean named hidden", () => {
    expect(parseMessage(Visibility, { hidden: true }).ok).toBe(true);
    expect(parseMessage(Visibility, { hidden: false }).ok).toBe(true);
    expect(parseMessage(Visibility, { hidden: "yes" }).ok).toBe(false);
    expect(parseMessage(Visibility, {}).ok).toBe(false);
    expect(parseMessage(Visibility, { hidden: true, since: 0 }).ok).toBe(false);
  });

  it("caps the reason at three issues and says how many more there were", () => {
    const result = parseMessage(Hello, { protocolVersion: PROTOCOL_VERSION, a: 1, b: 2, c: 3, d: 4 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toMatch(/\(\+\d+ more\)$/u);
  });
});
