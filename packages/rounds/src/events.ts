// What the shell feeds the machine (docs/rounds.md). Every event carries the time it happened; the machine reads no
// clock. Payloads are already schema-checked by the shell (protocol), but nothing here is trusted beyond that.
import type { BackendName } from "@airlora/core";
import type { ControlAction, Progress, RoundEvaluation, RoundReport } from "@airlora/protocol";

export type RunEvent =
  /** A participant finished its join-time uplink probe and loaded model and shard (again, after a reconnect). */
  | {
      readonly type: "participant-ready";
      readonly clientId: string;
      readonly dataWeight: number;
      readonly probeUplinkBps: number;
      readonly backend: BackendName | null;
      /** Its page is in the background (the shell's last word from it); absent: not known to be. */
      readonly hidden?: boolean;
      readonly now: number;
    }
  /** Its socket closed (or its identity expired): it cannot take part until it is ready again. */
  | { readonly type: "participant-left"; readonly clientId: string; readonly now: number }
  | { readonly type: "progress"; readonly clientId: string; readonly progress: Progress; readonly now: number }
  /** Its page went into the background (hidden) or came back: a browser may throttle or suspend a hidden tab. */
  | { readonly type: "visibility"; readonly clientId: string; readonly hidden: boolean; readonly now: number }
  /** A finished upload (the shell reassembled its chunks) and the report that came with it. */
  | {
      readonly type: "submission";
      readonly clientId: string;
      readonly payload: Uint8Array;
      readonly report: RoundReport;
      readonly now: number;
    }
  /** The shell refused an upload before it finished (too large, out-of-order chunks, idle too long). */
  | {
      readonly type: "upload-refused";
      readonly clientId: string;
      readonly round: number;
      readonly reason: string;
      readonly now: number;
    }
  /** The coordinator served this participant `bytes` over HTTP (the round's global adapter, typically). */
  | { readonly type: "downloaded"; readonly clientId: string; readonly bytes: number; readonly now: number }
  /** A round's timer fired (ignored if that round already closed). */
  | { readonly type: "deadline"; readonly round: number; readonly now: number }
  /** The evaluation of a round's global adapter came back (null: it failed, with a note). */
  | {
      readonly type: "evaluated";
      readonly round: number;
      readonly evaluation: RoundEvaluation | null;
      /** The separation gap, when the evaluate effect asked for it (null: not computed or not finite). */
      readonly separationGap?: number | null;
      readonly note?: string;
      readonly now: number;
    }
  /** An admin's start / pause / resume / stop (control.ts); one the run does not accept changes nothing. */
  | { readonly type: "control"; readonly action: ControlAction; readonly now: number };
