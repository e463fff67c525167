// Messages on the /client namespace. The socket.io event name is the message name.
import { z } from "zod";
import { PROTOCOL_VERSION } from "../version";
import { BackendAttempt, BackendName, ClientId, ResumeToken } from "./common";

export const Hello = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  resumeToken: ResumeToken.optional(),
  /** The backend this client will train on, or null when every probe failed. */
  backend: BackendName.nullable(),
  probe: z.array(BackendAttempt).max(8),
  userAgent: z.string().max(512),
});
export type Hello = z.infer<typeof Hello>;

export const Welcome = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  clientId: ClientId,
  resumeToken: ResumeToken,
  /** True when the hello's resumeToken gave back an earlier identity. */
  resumed: z.boolean(),
});
export type Welcome = z.infer<typeof Welcome>;

/** participant -> coordinator: its page went into the background or came back (a hidden tab may be throttled or
 * suspended by the browser, so a round it is in may run late). Sent on every change and after every welcome. */
export const Visibility = z.strictObject({
  hidden: z.boolean(),
});
export type Visibility = z.infer<typeof Visibility>;

export const ERROR_CODES = [
  "bad-message",
  "unknown-message",
  "protocol-version",
  "replaced",
  "too-many-errors",
  /** A second hello on a socket that already speaks for a client. */
  "already-joined",
  /** A round message before the socket's hello was welcomed. */
  "not-joined",
  /** The coordinator holds as many clients as it is configured to. */
  "full",
  /** A message that does not fit where the client is (a `ready` without a finished probe, a stale submit...). */
  "out-of-order",
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Sent for any message the coordinator refuses; the connection stays up unless the reason says otherwise. */
export const ErrorMessage = z.strictObject({
  code: ErrorCode,
  reason: z.string().max(2000),
  /** Event name of the refused message, when there was one. */
  inReplyTo: z.string().max(100).optional(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;
