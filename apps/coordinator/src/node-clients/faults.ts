// Faults a Node participant can be told to show (`airlora clients --fault`, and the integration tests): each is a
// wrapper around its transport that behaves like a bad network or a bad client would. None touches the session.
import { fail, ok } from "@airlora/core";
import { Assignment, parseMessage, type UploadChunkMeta } from "@airlora/protocol";
import type { Clock, ParticipantTransport, TransportSignal } from "@airlora/participant";

export type Fault =
  /** Close the connection shortly after round `round`'s assignment arrives (it leaves mid-round). */
  | { readonly kind: "disconnect"; readonly round: number }
  /** From round `round` on, say nothing more: sends vanish and acknowledgements never come. */
  | { readonly kind: "silent"; readonly round: number }
  /** Flip the first byte (the codec's magic) of round `round`'s update. */
  | { readonly kind: "corrupt"; readonly round: number }
  /** Declare round `round`'s upload one byte larger than its budget. */
  | { readonly kind: "over-budget"; readonly round: number }
  /** Label round `round`'s upload chunks with the round before. */
  | { readonly kind: "wrong-round"; readonly round: number }
  /** Upload the previous round's update again in place of round `round`'s. */
  | { readonly kind: "replay"; readonly round: number }
  /** The uplink carries at most this many bits/s: every chunk is held back as long as such a link would take to send
   * it (the join probe included), on top of the session's own pacing. */
  | { readonly kind: "slow-upload"; readonly bps: number };

/** Every fault's kind, as `--fault` names it. */
export const FAULT_KINDS: readonly Fault["kind"][] = [
  "disconnect",
  "silent",
  "corrupt",
  "over-budget",
  "wrong-round",
  "replay",
  "slow-upload",
];

/** The faults of the connection rather than of an update: what a simulated participant can show (the others are the
 * live server's to refuse). */
export const CONNECTION_FAULT_KINDS = ["disconnect", "silent"] as const satisfies readonly Fault["kind"][];

/** `kind@round` or `slow-upload=bps`, as the command line writes them. */
export function parseFault(text: string): Fault | undefined {
  const slow = /^slow-upload=(\d{3,12})$/u.exec(text);
  if (slow?.[1] !== undefined) return { kind: "slow-upload", bps: Number(slow[1]) };
  const match = /^(disconnect|silent|corrupt|over-budget|wrong-round|replay)@(\d{1,7})$/u.exec(text);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { kind: match[1] as Exclude<Fault["kind"], "slow-upload">, round: Number(match[2]) };
}

export function withFaults(inner: ParticipantTransport, faults: readonly Fault[], clock: Clock): ParticipantTransport {
  if (faults.length === 0) return inner;
  const at = (kind: Fault["kind"], round: number): boolean =>
    faults.some((f) => f.kind === kind && "round" in f && f.round === round);
  const silentFrom = Math.min(...faults.map((f) => (f.kind === "silent" ? f.round : Infinity)));
  const linkBps = Math.min(...faults.map((f) => (f.kind === "slow-upload" ? f.bps : Infinity)));
  let silent = false;
  const budgets = new Map<number, number>();
  /** Every round's update as it was sent, for the replay fault. */
  const sent = new Map<number, Uint8Array>();
  const replayed = new Set<number>();

  return {
    listen(listener) {
      inner.listen((signal: TransportSignal) => {
        if (signal.kind === "message" && signal.event === "assignment") {
          const assignment = parseMessage(Assignment, signal.payload);
          if (assignment.ok) {
            const { round, byteBudget } = assignment.value;
            budgets.set(round, byteBudget);
            if (round >= silentFrom) silent = true;
            if (at("disconnect", round))
              void clock.sleep(200).then(() => {
                inner.close();
              });
          }
        }
        if (!silent) listener(signal);
      });
    },
    send(event, payload) {
      if (!silent) inner.send(event, payload);
    },
    async sendChunk(meta, bytes, timeoutMs) {
      if (silent) return new Promise(() => undefined);
      if (Number.isFinite(linkBps)) await clock.sleep((8 * bytes.length * 1000) / linkBps);
      if (meta.purpose !== "update") return inner.sendChunk(meta, bytes, timeoutMs);
      const { round } = meta;
      const whole = sent.get(round) ?? new Uint8Array(meta.totalBytes);
      whole.set(bytes, meta.offset);
      sent.set(round, whole);
      if (at("replay", round)) return replay(round, meta, bytes.length, timeoutMs);
      let outMeta: UploadChunkMeta = meta;
      let outBytes = bytes;
      if (at("corrupt", round) && meta.offset === 0) {
        outBytes = bytes.slice();
        outBytes[0] = (outBytes[0] ?? 0) ^ 0xff;
      }
      if (at("over-budget", round)) outMeta = { ...meta, totalBytes: (budgets.get(round) ?? meta.totalBytes) + 1 };
      if (at("wrong-round", round)) outMeta = { ...meta, round: Math.max(0, round - 1) };
      return inner.sendChunk(outMeta, outBytes, timeoutMs);
    },
    fetch: (path, clientId) => inner.fetch(path, clientId),
    close: () => {
      inner.close();
    },
  };

  /** On the round's first chunk, uploads the whole previous update instead; later chunks are acknowledged here. */
  async function replay(round: number, meta: UploadChunkMeta, chunk: number, timeoutMs: number) {
    const previous = sent.get(round - 1);
    if (previous === undefined) return fail({ code: "no-replay", reason: `nothing was sent in round ${round - 1}` });
    if (replayed.has(round)) return ok({ ok: true, receivedBytes: meta.offset });
    replayed.add(round);
    let last: Awaited<ReturnType<ParticipantTransport["sendChunk"]>> = ok(undefined);
    for (let offset = 0; offset < previous.length; offset += chunk) {
      const piece = previous.subarray(offset, Math.min(previous.length, offset + chunk));
      last = await inner.sendChunk({ purpose: "update", round, offset, totalBytes: previous.length }, piece, timeoutMs);
      if (!last.ok) return last;
    }
    return last;
  }
}
