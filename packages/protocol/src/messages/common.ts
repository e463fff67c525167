import { BACKEND_ORDER } from "@airlora/core";
import { z } from "zod";

export const BackendName = z.enum(BACKEND_ORDER);
export type BackendName = z.infer<typeof BackendName>;

/** One step of the backend probe: which backend was tried, whether it ran a check, and why not. */
export const BackendAttempt = z.strictObject({
  backend: BackendName,
  ok: z.boolean(),
  reason: z.string().max(500).optional(),
  ms: z.number().nonnegative().max(600_000),
});
export type BackendAttempt = z.infer<typeof BackendAttempt>;

export const ClientId = z.string().regex(/^c-[0-9a-f]{12}$/u, "a clientId looks like c-<12 hex digits>");
export type ClientId = z.infer<typeof ClientId>;

/** Opaque secret that lets a client reclaim its identity after a reconnect or a page reload. */
export const ResumeToken = z.string().regex(/^[A-Za-z0-9_-]{32,64}$/u, "a resumeToken is 32-64 base64url chars");
export type ResumeToken = z.infer<typeof ResumeToken>;
