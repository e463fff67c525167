// The one rule for a socket that keeps sending what is refused, on /client and /dashboard alike: after
// MAX_INVALID_MESSAGES it is told why, its address pays a wait as for a wrong token, and it is disconnected.
import type { Socket } from "socket.io";
import type { ErrorMessage } from "@airlora/protocol";
import type { AccessGuard } from "../security/access-guard";
import type { RefusalCounter } from "../security/refusal-counter";

/** After this many refused messages a socket is disconnected: it is broken or hostile. */
export const MAX_INVALID_MESSAGES = 50;

/** Cuts `socket` off once it has `refused` refusals; true if it did. */
export function cutOffIfTooMany(
  socket: Socket,
  refused: number,
  deps: { readonly refusals: RefusalCounter; readonly guard: AccessGuard },
): boolean {
  if (refused < MAX_INVALID_MESSAGES) return false;
  deps.refusals.count("too-many-errors");
  socket.emit("error", {
    code: "too-many-errors",
    reason: `disconnected after ${String(MAX_INVALID_MESSAGES)} refused messages`,
  } satisfies ErrorMessage);
  deps.guard.failed(socket.handshake.address);
  socket.disconnect(true);
  return true;
}
