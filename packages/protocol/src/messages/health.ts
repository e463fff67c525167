import { z } from "zod";

export const RUN_STATES = ["idle", "waiting", "running", "paused", "done"] as const;
export const RunState = z.enum(RUN_STATES);
export type RunState = z.infer<typeof RunState>;

/** Body of `GET /api/health` (docs/interfaces.md). */
export const Health = z.strictObject({
  ok: z.boolean(),
  version: z.string(),
  state: RunState,
  /** Current round, 0 before the first. */
  round: z.number().int().nonnegative(),
  /** Clients connected right now. */
  clients: z.number().int().nonnegative(),
});
export type Health = z.infer<typeof Health>;
