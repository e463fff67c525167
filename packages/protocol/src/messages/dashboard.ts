// Messages on the /dashboard namespace (observers authenticated with the admin token).
import { z } from "zod";
import { BackendAttempt, BackendName, ClientId } from "./common";

export const ClientSummary = z.strictObject({
  clientId: ClientId,
  connected: z.boolean(),
  backend: BackendName.nullable(),
  probe: z.array(BackendAttempt).max(8),
  userAgent: z.string().max(512),
  joinedAt: z.number().int().nonnegative(),
  lastSeenAt: z.number().int().nonnegative(),
  invalidMessages: z.number().int().nonnegative(),
});
export type ClientSummary = z.infer<typeof ClientSummary>;

/** Full list of known clients, pushed on connect and after every change (small: one row per device). */
export const ClientsSnapshot = z.strictObject({
  clients: z.array(ClientSummary).max(10_000),
});
export type ClientsSnapshot = z.infer<typeof ClientsSnapshot>;
