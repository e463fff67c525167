// One check for every secret, over HTTP and in socket.io handshakes: an address that is backing off is refused
// before its token is even compared, and a wrong token counts against its address (access-guard.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "socket.io";
import { handshakeToken, tokenMatches } from "../auth/tokens";
import type { AccessGuard } from "./access-guard";

/** The peer's address as the TCP connection shows it (the coordinator is reached directly on a LAN, not proxied). */
export function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/** True if the request may go on; otherwise the 429 or 401 has been sent. */
export function admitRequest(
  req: IncomingMessage,
  res: ServerResponse,
  guard: AccessGuard,
  presented: string | undefined,
  expected: string,
  whatIsNeeded: string,
): boolean {
  const address = addressOf(req);
  const wait = guard.waitMs(address);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    res.writeHead(429, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      "retry-after": String(seconds),
    });
    res.end(
      JSON.stringify({
        error: "rate-limited",
        reason: `too many wrong tokens from ${address}; retry in ${String(seconds)} s`,
      }),
    );
    return false;
  }
  if (tokenMatches(presented, expected)) return true;
  guard.failed(address);
  res.writeHead(401, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify({ error: "bad-token", reason: whatIsNeeded }));
  return false;
}

/** socket.io middleware: the handshake's `auth.token` must be `expected`. */
export function socketTokenGate(
  guard: AccessGuard,
  expected: string,
  refusal: string,
  onRefused: (address: string, code: "rate-limited" | "bad-token") => void,
): (socket: Socket, next: (error?: Error) => void) => void {
  return (socket, next) => {
    const address = socket.handshake.address;
    const wait = guard.waitMs(address);
    if (wait > 0) {
      onRefused(address, "rate-limited");
      next(
        new Error(
          `rate-limited: too many wrong tokens from this address; retry in ${String(Math.ceil(wait / 1000))} s`,
        ),
      );
      return;
    }
    if (tokenMatches(handshakeToken(socket.handshake.auth), expected)) {
      next();
      return;
    }
    guard.failed(address);
    onRefused(address, "bad-token");
    next(new Error(refusal));
  };
}
