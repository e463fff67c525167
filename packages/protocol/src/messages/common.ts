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

/** A round number: 0 is the linear-probe round of a classification run, LoRA rounds count from 1. */
export const RoundNumber = z.number().int().nonnegative().max(1_000_000);

/** A duration in milliseconds, at most a day. */
export const DurationMs = z.number().nonnegative().max(86_400_000);

/** A byte count of one payload or resource (2 GiB at most). */
export const ByteCount = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** 31 - 1);

/** A fraction in [0, 1] (shares, ratios, energy lost). */
export const Fraction = z.number().min(0).max(1);

/** A path on the coordinator, relative to its origin (starts with one slash, no scheme or host). */
export const ResourcePath = z
  .string()
  .max(512)
  .regex(/^\/[A-Za-z0-9._~/?=&%-]*$/u, "a resource path starts with / and holds URL-safe characters only");
