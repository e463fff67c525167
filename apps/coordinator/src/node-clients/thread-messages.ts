// What a Node participant thread and its parent (`airlora clients`, the integration tests) say to each other.
import type { SessionEvent } from "@airlora/participant";
import type { Fault } from "./faults";
import type { ParticipantTls } from "./tls-fetch";

export interface ParticipantThreadData {
  readonly index: number;
  readonly origin: string;
  readonly joinToken: string;
  readonly backend: "wasm" | "cpu";
  readonly userAgent: string;
  readonly faults: readonly Fault[];
  /** How to check an https coordinator's certificate (undefined: Node's defaults). */
  readonly tls: ParticipantTls | undefined;
}

export type ThreadReport =
  { readonly type: "event"; readonly event: SessionEvent } | { readonly type: "crashed"; readonly reason: string };
