import { randomBytes, timingSafeEqual } from "node:crypto";

/** A URL-safe random secret (base64url, 8 bytes of entropy per ~11 characters). */
export function newToken(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}

/** Compares a presented secret with the expected one in time independent of where they differ. */
export function tokenMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== "string") return false;
  const a = Buffer.from(presented, "utf8");
  const b = Buffer.from(expected, "utf8");
  // timingSafeEqual needs equal lengths; comparing b with itself keeps the work constant on a length mismatch.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}

/** Token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/iu.exec(header ?? "");
  return match?.[1];
}

/** The token a socket.io client presented as `auth: { token }` in its handshake, or undefined. */
export function handshakeToken(auth: unknown): unknown {
  return typeof auth === "object" && auth !== null && "token" in auth ? auth.token : undefined;
}
