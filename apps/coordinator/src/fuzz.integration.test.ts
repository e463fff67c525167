// Hostile traffic through real sockets while an honest run goes on (docs/reliability.md, "Hostile input"): more than
// 10,000 malformed messages and payloads from other loopback addresses (random values, truncated and mutated packets,
// bit-flipped chunk metadata and updates, oversized messages, replayed chunks, submits and resume tokens, junk on
// /dashboard and /), and hostile members that hand in one bad update per round. Two real Node participants on
// 127.0.0.1 must finish every round, every message must get exactly one answer, the dashboard's run-wide refusal
// counts must equal what the senders were told, the per-address backoff must not touch 127.0.0.1, and the heap
// must not keep what was refused.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdapterSpec, AdapterUpdate, Precision } from "@airlora/core";
import {
  Assignment,
  ChunkAck,
  ErrorMessage,
  MemberStatuses,
  PROTOCOL_VERSION,
  RefusalCounts,
  RoundOutcome,
  SessionInfo,
  Welcome,
  encodeUpdate,
  type Hello,
  type RoundReport,
  type UploadChunkMeta,
} from "@airlora/protocol";
import {
  ADMIN,
  JOIN,
  runDone,
  startParticipants,
  startTestCoordinator,
  type TestCoordinator,
  type TestParticipants,
} from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";
import { DEFAULT_ACCESS_LIMITS } from "./security/access-guard";

const SEED = Number(process.env.AIRLORA_FUZZ_SEED ?? 20_240_612);
const MIN_MESSAGES = 10_000;
/** Messages per hostile connection: below the 50 refusals that cut a socket off (except on BACKOFF_ADDRESS). */
const PER_SOCKET = 40;
const WORKER_ADDRESSES = ["127.0.0.10", "127.0.0.11", "127.0.0.12", "127.0.0.13"];
/** Wrong tokens and sockets that keep sending junk: this address ends up waiting. */
const BACKOFF_ADDRESS = "127.0.0.9";
const MEMBER_ADDRESS = "127.0.0.3";
const PROBE_BYTES = 1 << 20;
/** A run that retained what it refused would keep at least one probe buffer (1 MiB) per hostile session. */
const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;
const ROUNDS = 3;
const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]);
const HELLO: Hello = { protocolVersion: PROTOCOL_VERSION, backend: "cpu", probe: [], userAgent: "fuzz" };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** What the hostile senders were told, by code, and how many messages they sent. */
const told = new Map<string, number>();
const stats = { sent: 0, accepted: 0, unanswered: 0, sessions: 0, connectErrors: 0, replaced: 0 };
const tell = (code: string): void => {
  told.set(code, (told.get(code) ?? 0) + 1);
};
const unhandled: string[] = [];
const onUnhandled = (error: unknown): void => {
  unhandled.push(String(error));
};

let run: TestCoordinator;
let honest: TestParticipants;
let dashboard: Socket;
let dashboardRefusals: RefusalCounts = { total: 0, byCode: {} };
const dashboardRejections = new Map<string, string>();
const memberResults: { kind: string; reason: string }[] = [];
const resumeTokens: string[] = [];
const figures = { heapBefore: 0, heapAfter: 0, fuzzMs: 0, runMs: 0 };

interface Metrics {
  heapUsedBytes: number;
  arrayBuffersBytes: number;
  refusals: RefusalCounts;
  access: { addressesWaiting: number };
}

async function metrics(): Promise<Metrics> {
  const response = await fetch(`${run.origin}/api/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return (await response.json()) as Metrics;
}

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await sleep(50);
  }
  // Upload buffers live outside the JS heap, behind ArrayBuffers: both count.
  const { heapUsedBytes, arrayBuffersBytes } = await metrics();
  return heapUsedBytes + arrayBuffersBytes;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A hostile connection: every `error` it is sent and every refused ack it gets is told; answers are counted. */
class Hostile {
  readonly socket: Socket;
  answers = 0;
  expected = 0;
  closed = false;
  private readonly waiters: (() => void)[] = [];

  constructor(namespace: string, token: string | undefined, localAddress: string) {
    this.socket = io(`${run.origin}${namespace}`, {
      ...(token === undefined ? {} : { auth: { token } }),
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: 10_000,
      localAddress,
    } as Parameters<typeof io>[1]);
    this.socket.on("error", (payload: unknown) => {
      const error = ErrorMessage.safeParse(payload);
      // `replaced` tells a socket that its identity was taken over (a replayed resume token): no refused input.
      if (error.success && error.data.code === "replaced") stats.replaced += 1;
      else {
        tell(error.success ? error.data.code : "(unparsable error)");
        this.answered();
      }
    });
    this.socket.on("welcome", () => {
      stats.accepted += 1;
      this.answered();
    });
    this.socket.on("disconnect", () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Resolves with the refusal code of a failed handshake, or undefined once connected. */
  connected(localAddress: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      this.socket.once("connect", () => {
        resolve(undefined);
      });
      this.socket.once("connect_error", (error) => {
        stats.connectErrors += 1;
        const code = /^([a-z-]+):/u.exec(error.message)?.[1];
        // A handshake refused before socket.io's middleware (an address that is backing off) only shows up as a
        // failed upgrade; on BACKOFF_ADDRESS that is the only way it can fail.
        const known = code ?? (localAddress === BACKOFF_ADDRESS ? "rate-limited" : `(connect: ${error.message})`);
        tell(known);
        this.closed = true;
        resolve(known);
      });
    });
  }

  answered(): void {
    this.answers += 1;
    this.wake();
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  emit(event: string, ...args: unknown[]): void {
    stats.sent += 1;
    this.expected += 1;
    this.socket.emit(event, ...args);
  }

  /** Emits with an acknowledgement; a refused one is told. */
  emitWithAck(event: string, ...args: unknown[]): Promise<ChunkAck | undefined> {
    stats.sent += 1;
    this.expected += 1;
    return new Promise((resolve) => {
      // A connection taken over by a replayed resume token is closed with acknowledgements still owed.
      this.waitClosed().then(
        () => {
          resolve(undefined);
        },
        () => undefined,
      );
      this.socket.emit(event, ...args, (reply: unknown) => {
        const ack = ChunkAck.safeParse(reply);
        if (!ack.success) tell("(unparsable ack)");
        else if (ack.data.ok) stats.accepted += 1;
        else tell(ack.data.code);
        this.answered();
        resolve(ack.success ? ack.data : undefined);
      });
    });
  }

  /** Waits until every message sent so far was answered (or the connection closed, or 10 s passed). */
  async settle(): Promise<void> {
    const until = Date.now() + 10_000;
    while (this.answers < this.expected && !this.closed && Date.now() < until) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  async close(): Promise<void> {
    await this.settle();
    if (!this.closed) stats.unanswered += Math.max(0, this.expected - this.answers);
    this.socket.disconnect();
  }

  waitClosed(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) resolve();
      else
        this.socket.once("disconnect", () => {
          resolve();
        });
    });
  }
}

async function hostile(namespace: string, token: string | undefined, address: string): Promise<Hostile | undefined> {
  stats.sessions += 1;
  const socket = new Hostile(namespace, token, address);
  const refused = await socket.connected(address);
  if (refused !== undefined) {
    socket.socket.disconnect();
    return undefined;
  }
  return socket;
}

// Random values: event names (with the ones that trip up plain objects) and arguments.
const eventName = fc
  .oneof(
    fc.string({ maxLength: 24 }),
    fc.constantFrom(
      "constructor",
      "__proto__",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "error",
      "ready",
      "submit",
      "progress",
      "upload-chunk",
      "Hello",
      "hello\u0000",
      "x".repeat(300),
    ),
  )
  .filter((name) => name !== "hello" && !RESERVED.has(name));
const junkValue = fc.oneof(
  fc.anything({ maxDepth: 3, maxKeys: 6 }),
  fc.uint8Array({ maxLength: 2048 }),
  fc.constantFrom(null, 1e308, -0, "", "\u0000"),
);
const junkArgs = fc.array(junkValue, { maxLength: 3 });

/** A mutated copy of a valid chunk's metadata: bit flips, wrong types, missing or extra fields. */
function mutatedMeta(base: UploadChunkMeta, seed: number): unknown {
  const [choice, bit] = fc.sample(fc.tuple(fc.nat(8), fc.integer({ min: 0, max: 52 })), { seed, numRuns: 1 })[0] ?? [
    0, 0,
  ];
  const flip = (n: number): number => (bit < 31 ? n ^ (1 << bit) : n + 2 ** bit);
  switch (choice % 9) {
    case 0:
      return { ...base, offset: flip(base.offset) };
    case 1:
      return { ...base, totalBytes: flip(base.totalBytes) };
    case 2:
      return { ...base, round: flip(base.round) };
    case 3:
      return { ...base, purpose: "update" };
    case 4:
      return { ...base, offset: -1 };
    case 5:
      return { ...base, extra: true };
    case 6:
      return { purpose: base.purpose, round: base.round, offset: base.offset };
    case 7:
      return { ...base, totalBytes: base.totalBytes + 0.5 };
    default:
      return { ...base, purpose: "update", round: 1 + (bit % 4), totalBytes: 2 ** 31 - 1 };
  }
}

/** A socket that never said hello sends random messages: every one is refused (unknown-message or not-joined). */
async function unjoinedSession(address: string, seed: number): Promise<void> {
  const socket = await hostile("/client", JOIN, address);
  if (socket === undefined) return;
  const messages = fc.sample(fc.tuple(eventName, junkArgs, fc.boolean()), { seed, numRuns: PER_SOCKET });
  for (const [name, args, withAck] of messages) {
    if (withAck && name === "upload-chunk") void socket.emitWithAck(name, ...args);
    else socket.emit(name, ...args);
  }
  await socket.close();
}

/** A joined socket that is no member: mutated chunks, replayed chunks and submits, junk reports, a second hello. */
async function joinedSession(address: string, seed: number): Promise<void> {
  const socket = await hostile("/client", JOIN, address);
  if (socket === undefined) return;
  const session = new Promise<SessionInfo>((resolve) => {
    socket.socket.once("session", (payload: unknown) => {
      resolve(SessionInfo.parse(payload));
    });
  });
  const welcome = new Promise<Welcome>((resolve) => {
    socket.socket.once("welcome", (payload: unknown) => {
      resolve(Welcome.parse(payload));
    });
  });
  // Replayed: another client's resume token (one handed to an earlier hostile session), or a mangled one.
  const [tokenChoice = 0] = fc.sample(fc.nat(5), { seed, numRuns: 1 });
  const earlier = resumeTokens.at(-1 - (seed % 7));
  const resumeToken =
    tokenChoice === 0 && earlier !== undefined
      ? earlier
      : tokenChoice === 1 && earlier !== undefined
        ? `${earlier.slice(0, -1)}!`
        : undefined;
  socket.emit("hello", resumeToken === undefined ? HELLO : { ...HELLO, resumeToken });
  if (resumeToken?.endsWith("!") === true) {
    // The mangled token is refused; say hello properly.
    await socket.settle();
    socket.emit("hello", HELLO);
  }
  const info = await Promise.race([session, sleep(10_000).then(() => undefined)]);
  const me = await Promise.race([welcome, sleep(1).then(() => undefined)]);
  if (info === undefined || me === undefined) {
    await socket.close();
    return;
  }
  resumeTokens.push(me.resumeToken);
  if (resumeTokens.length > 64) resumeTokens.shift();
  const chunk = new Uint8Array(info.chunkBytes);
  const first: UploadChunkMeta = { purpose: "probe", round: 0, offset: 0, totalBytes: info.probeBytes };
  // A valid first probe chunk (the coordinator allocates the whole probe for it), then the same chunk replayed.
  await socket.emitWithAck("upload-chunk", first, chunk);
  await socket.emitWithAck("upload-chunk", first, chunk);
  const kinds = fc.sample(fc.nat(10), { seed: seed + 1, numRuns: PER_SOCKET - 4 });
  for (const [i, kind] of kinds.entries()) {
    switch (kind) {
      case 0:
      case 1:
      case 2:
        void socket.emitWithAck("upload-chunk", mutatedMeta(first, seed + i), chunk);
        break;
      case 3: {
        const [size = 0] = fc.sample(fc.oneof(fc.constant(0), fc.integer({ min: info.chunkBytes + 1, max: 100_000 })), {
          seed: seed + i,
          numRuns: 1,
        });
        void socket.emitWithAck("upload-chunk", first, new Uint8Array(size));
        break;
      }
      case 4:
        void socket.emitWithAck("upload-chunk", { ...first, purpose: "update", round: 1 + (i % 3) }, chunk);
        break;
      case 5:
        socket.emit("submit", validReport(i % 4, 8));
        break;
      case 6:
        socket.emit("hello", HELLO);
        break;
      case 7:
        socket.emit("ready", { probeUploadMs: 1, downloadMs: 1, backend: "cpu" });
        break;
      case 8: {
        const [args = []] = fc.sample(junkArgs, { seed: seed + i, numRuns: 1 });
        socket.emit(i % 2 === 0 ? "submit" : "progress", ...args);
        break;
      }
      case 9: {
        const [[name, args] = ["x", []]] = fc.sample(fc.tuple(eventName, junkArgs), { seed: seed + i, numRuns: 1 });
        if (name === "upload-chunk") void socket.emitWithAck(name, ...args);
        else socket.emit(name, ...args);
        break;
      }
      default:
        void socket.emitWithAck("upload-chunk", first, "not binary");
    }
  }
  await socket.close();
}

/** A socket.io packet cut short, or an engine.io packet that is no packet: the connection is closed for it. */
async function badPacketSession(address: string, seed: number): Promise<void> {
  const socket = await hostile("/client", JOIN, address);
  if (socket === undefined) return;
  const [cut, engineLevel] = fc.sample(fc.tuple(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.boolean()), {
    seed,
    numRuns: 1,
  })[0] ?? [0, false];
  const valid = `2/client,${JSON.stringify(["hello", HELLO])}`;
  const start = valid.indexOf("[") + 1;
  const truncated = valid.slice(0, start + Math.floor(cut * (valid.length - start - 1)));
  stats.sent += 1;
  if (engineLevel) {
    // engine.io-client's WebSocket, reached through its internals: there is no public way to send a bad packet type.
    const transport = socket.socket.io.engine.transport as unknown as { ws?: { send(data: string): void } };
    transport.ws?.send(`9${truncated}`);
  } else {
    socket.socket.io.engine.send(truncated);
  }
  await Promise.race([socket.waitClosed(), sleep(10_000)]);
  if (socket.closed) tell("bad-packet");
  else stats.unanswered += 1;
  socket.socket.disconnect();
}

/** A message beyond socket.io's limit (maxHttpBufferSize): the connection is closed for it. */
async function oversizeSession(address: string, seed: number): Promise<void> {
  const socket = await hostile("/client", JOIN, address);
  if (socket === undefined) return;
  stats.sent += 1;
  if (seed % 2 === 0) socket.socket.emit("upload-chunk", { purpose: "probe", round: 0 }, new Uint8Array(300_000));
  else socket.socket.emit("hello", { ...HELLO, userAgent: "x".repeat(300_000) });
  await Promise.race([socket.waitClosed(), sleep(10_000)]);
  if (socket.closed) tell("too-large");
  else stats.unanswered += 1;
  socket.socket.disconnect();
}

/** A broken observer with the admin token that talks on /dashboard, and a socket on the closed default namespace. */
async function observerSession(address: string, seed: number): Promise<void> {
  if (seed % 3 === 0) {
    await hostile("/", JOIN, address); // refused with no-namespace
    return;
  }
  const socket = await hostile("/dashboard", ADMIN, address);
  if (socket === undefined) return;
  for (const [name, args] of fc.sample(fc.tuple(eventName, junkArgs), { seed, numRuns: 10 }))
    socket.emit(name, ...args);
  await socket.close();
}

/** Wrong tokens and sockets that keep sending junk: the address is made to wait, and stays refused. */
async function backoffCampaign(): Promise<void> {
  for (const namespace of ["/client", "/dashboard"]) {
    const socket = await hostile(namespace, namespace === "/client" ? JOIN : ADMIN, BACKOFF_ADDRESS);
    if (socket === undefined) continue;
    for (let i = 0; i < 60; i += 1) socket.emit("shout", i);
    await socket.waitClosed();
    // Messages after the 50th are never read: the socket is gone.
    socket.expected = socket.answers;
  }
  // Two failures so far (the cut-off sockets); the wrong tokens use up the free tries, then the address waits.
  for (let i = 0; i < 4; i += 1) {
    await hostile("/client", `wrong-${String(i)}`, BACKOFF_ADDRESS);
    await hostile("/dashboard", `wrong-${String(i)}`, BACKOFF_ADDRESS);
  }
  // Even the right token is refused while the address waits.
  for (let i = 0; i < 5; i += 1) await hostile("/client", JOIN, BACKOFF_ADDRESS);
}

function validReport(round: number, components: number): RoundReport {
  return {
    round,
    downloadMs: 10,
    computeMs: 10,
    uploadMs: 10,
    stepsDone: 1,
    trainLoss: 0.5,
    spectrum: Array.from({ length: components }, () => 1),
    keptRatio: 1,
    energyLost: 0,
    peakBytes: null,
  };
}

// Hostile members: they probe and say ready like a participant, then hand in one bad update per round.
const MEMBER_KINDS = [
  ["nan", /^not-finite/u],
  ["infinity", /^not-finite/u],
  ["other-spec", /^spec-mismatch/u],
  ["bit-flip-magic", /^bad-magic/u],
  ["out-of-order", /^out-of-order/u],
  ["missing-chunk-then-submit", /without a finished upload/u],
  ["submit-without-upload", /without a finished upload/u],
  ["over-budget", /^over-budget/u],
  ["truncated", /^truncated/u],
] as const;
const MEMBERS = 3;

function zeroSoftUpdate(spec: AdapterSpec, round: number, precision: Precision, ranks: number): Uint8Array {
  const update: AdapterUpdate = {
    kind: "soft",
    round,
    modules: spec.modules.map((m) => {
      const r = Math.min(ranks, m.rank);
      return {
        ranks: Array.from({ length: r }, (_, i) => i),
        a: new Float32Array(r * m.k),
        b: new Float32Array(r * m.d),
      };
    }),
    dense: spec.dense.map((t) => new Float32Array(t.shape.reduce((p, n) => p * n, 1))),
  };
  const encoded = encodeUpdate(spec, update, precision);
  if (!encoded.ok) throw new Error(encoded.error.reason);
  return encoded.value;
}

async function hostileMember(index: number): Promise<Hostile | undefined> {
  const socket = await hostile("/client", JOIN, MEMBER_ADDRESS);
  if (socket === undefined) return undefined;
  const session = new Promise<SessionInfo>((resolve) => {
    socket.socket.once("session", (payload: unknown) => {
      resolve(SessionInfo.parse(payload));
    });
  });
  socket.emit("hello", HELLO);
  const info = await session;
  for (let offset = 0; offset < info.probeBytes; offset += info.chunkBytes) {
    const bytes = new Uint8Array(Math.min(info.chunkBytes, info.probeBytes - offset));
    await socket.emitWithAck(
      "upload-chunk",
      { purpose: "probe", round: 0, offset, totalBytes: info.probeBytes },
      bytes,
    );
  }
  stats.sent += 1; // ready gets no answer: it counts the member in
  socket.socket.emit("ready", { probeUploadMs: 100, downloadMs: 10, backend: "cpu" });
  let turn = index;
  socket.socket.on("assignment", (payload: unknown) => {
    const assignment = Assignment.parse(payload);
    if (assignment.phase !== "lora") return;
    const kind = MEMBER_KINDS[turn % MEMBER_KINDS.length];
    turn += MEMBERS;
    if (kind !== undefined) void badUpdate(socket, assignment, kind[0]);
  });
  return socket;
}

async function badUpdate(socket: Hostile, assignment: Assignment, kind: string): Promise<void> {
  const spec = run.engine.state().spec;
  if (spec === undefined) return;
  const { round, precision, byteBudget } = assignment;
  const components = spec.modules.reduce((sum, m) => sum + m.rank, 0);
  let payload = zeroSoftUpdate(spec, round, precision, 4);
  if (payload.length > byteBudget) payload = zeroSoftUpdate(spec, round, precision, 1);
  const view = new DataView(payload.buffer);
  const bad = precision === "fp32" ? 4 : 2;
  if (kind === "nan" || kind === "infinity") {
    const bits = { nan: { fp32: 0x7fc00000, fp16: 0x7e00 }, infinity: { fp32: 0x7f800000, fp16: 0x7c00 } }[kind];
    if (precision === "fp32") view.setUint32(payload.length - bad, bits.fp32, true);
    else view.setUint16(payload.length - bad, bits.fp16, true);
  }
  if (kind === "other-spec") {
    const other = { ...spec, modules: spec.modules.map((m) => ({ ...m, rank: Math.max(1, m.rank - 1) })) };
    payload = zeroSoftUpdate(other, round, precision, 1);
  }
  if (kind === "bit-flip-magic") payload[0] = (payload[0] ?? 0) ^ 0x10;
  if (kind === "truncated") payload = payload.subarray(0, payload.length - 3);
  const outcome = new Promise<RoundOutcome>((resolve) => {
    const listener = (message: unknown): void => {
      const parsed = RoundOutcome.parse(message);
      if (parsed.round !== round) return;
      socket.socket.off("outcome", listener);
      resolve(parsed);
    };
    socket.socket.on("outcome", listener);
  });
  const half = Math.ceil(payload.length / 2);
  const meta = (offset: number, totalBytes = payload.length): UploadChunkMeta => ({
    purpose: "update",
    round,
    offset,
    totalBytes,
  });
  if (kind === "out-of-order") {
    await socket.emitWithAck("upload-chunk", meta(half), payload.subarray(half));
  } else if (kind === "over-budget") {
    await socket.emitWithAck("upload-chunk", meta(0, byteBudget + 1), payload.subarray(0, half));
  } else if (kind === "missing-chunk-then-submit") {
    await socket.emitWithAck("upload-chunk", meta(0), payload.subarray(0, half));
    socket.emit("submit", validReport(round, components));
  } else if (kind === "submit-without-upload") {
    socket.emit("submit", validReport(round, components));
  } else {
    await socket.emitWithAck("upload-chunk", meta(0), payload.subarray(0, half));
    await socket.emitWithAck("upload-chunk", meta(half), payload.subarray(half));
    stats.sent += 1; // answered by the outcome
    socket.socket.emit("submit", validReport(round, components));
  }
  const result = await outcome;
  memberResults.push({ kind, reason: result.outcome === "rejected" ? (result.reason ?? "") : result.outcome });
}

/** Hostile sessions from one address until the honest run is done and enough was sent. */
async function worker(address: string, w: number, honestDone: () => boolean): Promise<void> {
  const started = Date.now();
  for (let n = 0; !(honestDone() && stats.sent >= MIN_MESSAGES) && Date.now() - started < 100_000; n += 1) {
    const seed = SEED + 1000 * w + n;
    const pick = n % 20;
    if (pick < 9) await unjoinedSession(address, seed);
    else if (pick < 17) await joinedSession(address, seed);
    else if (pick === 17) await badPacketSession(address, seed);
    else if (pick === 18) await oversizeSession(address, seed);
    else await observerSession(address, seed);
    // Enough sent: keep a trickle going for the rest of the honest run, and leave it the cores.
    if (stats.sent >= MIN_MESSAGES) await sleep(250);
  }
}

beforeAll(async () => {
  process.on("uncaughtException", onUnhandled);
  process.on("unhandledRejection", onUnhandled);
  run = await startTestCoordinator(
    {
      task: "spam",
      rounds: ROUNDS,
      minClients: 2,
      startClients: 2,
      shards: 2,
      localSteps: 3,
      rank: 4,
      latencyBudgetMs: 8000,
      uplinkMbps: 100,
      probeBytes: PROBE_BYTES,
    },
    // A long first wait, so that BACKOFF_ADDRESS is still waiting when the test looks.
    { accessLimits: { ...DEFAULT_ACCESS_LIMITS, baseBackoffMs: 120_000 } },
  );
  dashboard = io(`${run.origin}/dashboard`, { auth: { token: ADMIN }, transports: ["websocket"], reconnection: false });
  dashboard.on("refusals", (payload: unknown) => {
    dashboardRefusals = RefusalCounts.parse(payload);
  });
  dashboard.on("member-statuses", (payload: unknown) => {
    for (const change of MemberStatuses.parse(payload).changes) {
      if (change.status === "rejected") dashboardRejections.set(change.clientId, change.reason ?? "");
    }
  });
  await new Promise((resolve) => dashboard.once("refusals", resolve));
  figures.heapBefore = await settledHeap();

  const started = Date.now();
  honest = startParticipants(run.origin, 2);
  let done = false;
  const honestRun = runDone(run.engine, 110_000).finally(() => {
    done = true;
    figures.runMs = Date.now() - started;
  });
  // Members join once round 0 started with the two honest participants, so that the run starts with them.
  const members = (async () => {
    while (run.engine.state().active === undefined) await sleep(100);
    return Promise.all(Array.from({ length: MEMBERS }, (_, i) => hostileMember(i)));
  })();
  const fuzzStarted = Date.now();
  await Promise.all([backoffCampaign(), ...WORKER_ADDRESSES.map((address, w) => worker(address, w, () => done))]);
  figures.fuzzMs = Date.now() - fuzzStarted;
  await honestRun;
  for (const member of await members) await member?.close();
  // The last refusals may still be on their way to the dashboard (batched every 250 ms).
  for (let i = 0; i < 50 && (await metrics()).refusals.total !== sumOf(told); i += 1) await sleep(100);
  figures.heapAfter = await settledHeap();
  const counts = [...told.entries()].sort(([a], [b]) => a.localeCompare(b));
  process.stdout.write(
    [
      `fuzz seed ${String(SEED)}: ${String(stats.sent)} hostile messages in ${String(stats.sessions)} sessions, ` +
        `${(figures.fuzzMs / 1000).toFixed(1)} s (${String(Math.round(stats.sent / (figures.fuzzMs / 1000)))} msg/s); ` +
        `honest run ${(figures.runMs / 1000).toFixed(1)} s`,
      `refusals by code: ${counts.map(([code, n]) => `${code} ${String(n)}`).join(", ")} (total ${String(sumOf(told))})`,
      `accepted ${String(stats.accepted)}, unanswered ${String(stats.unanswered)}, failed handshakes ` +
        `${String(stats.connectErrors)}, identities taken over by a replayed token ${String(stats.replaced)}`,
      `heap used + array buffers before ${mib(figures.heapBefore)} MiB, after ${mib(figures.heapAfter)} MiB (bound +${mib(HEAP_GROWTH_BOUND)} MiB)`,
      `hostile members: ${memberResults.map((r) => `${r.kind} -> ${r.reason.slice(0, 40)}`).join("; ")}`,
      "",
    ].join("\n"),
  );
}, 150_000);

afterAll(async () => {
  process.off("uncaughtException", onUnhandled);
  process.off("unhandledRejection", onUnhandled);
  dashboard.disconnect();
  await honest.stop();
  await run.close();
});

function sumOf(counts: ReadonlyMap<string, number>): number {
  return [...counts.values()].reduce((sum, n) => sum + n, 0);
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

describe("hostile input during an honest run", () => {
  it("sends at least 10,000 hostile messages and every one gets exactly one answer", () => {
    expect(stats.sent).toBeGreaterThanOrEqual(MIN_MESSAGES);
    expect(stats.unanswered).toBe(0);
    expect(unhandled).toEqual([]);
  });

  it("finishes every round with both honest participants submitting, undisturbed", () => {
    const lines = readRoundLog(run.engine.run.directory.path);
    expect(lines.map((l) => l.round)).toEqual(Array.from({ length: ROUNDS + 1 }, (_, i) => i));
    const ids = [honest.clientId(0), honest.clientId(1)];
    for (const line of lines) {
      expect(line.aggregated).toBe(true);
      for (const id of ids) expect(line.clients.find((c) => c.id === id)?.status).toBe("submitted");
    }
    expect(honest.crashes).toEqual([]);
    for (const events of honest.events) {
      const untilFinished = events.slice(
        0,
        events.findIndex((e) => e.type === "finished"),
      );
      expect(untilFinished.length).toBeGreaterThan(0);
      expect(untilFinished.filter((e) => e.type === "problem")).toEqual([]);
      expect(untilFinished.filter((e) => e.type === "connection" && e.state === "disconnected")).toEqual([]);
    }
  });

  it("counts every refusal on the dashboard and in /api/metrics, by code, exactly as the senders were told", async () => {
    const expected = { total: sumOf(told), byCode: Object.fromEntries(told) };
    await expect.poll(() => dashboardRefusals, { timeout: 5000 }).toEqual(expected);
    expect((await metrics()).refusals).toEqual(expected);
    for (const code of ["unknown-message", "not-joined", "bad-message", "out-of-order", "bad-chunk", "bad-packet"])
      expect(told.get(code) ?? 0).toBeGreaterThan(0);
    for (const code of ["too-large", "too-many-errors", "bad-token", "rate-limited", "no-namespace", "not-in-round"])
      expect(told.get(code) ?? 0).toBeGreaterThan(0);
  });

  it("rejects every bad update of a hostile member with its reason, on the dashboard too", () => {
    expect(memberResults.map((r) => r.kind).sort()).toEqual(MEMBER_KINDS.map(([kind]) => kind).sort());
    for (const { kind, reason } of memberResults) {
      const pattern = MEMBER_KINDS.find(([k]) => k === kind)?.[1];
      expect(reason, kind).toMatch(pattern ?? /never/u);
    }
    expect(dashboardRejections.size).toBe(MEMBERS);
  });

  it("makes the hostile address wait, and never 127.0.0.1", async () => {
    expect((await metrics()).access.addressesWaiting).toBeGreaterThanOrEqual(1);
    const own = await fetch(`${run.origin}/api/state`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(own.status).toBe(200);
  });

  it("keeps nothing of what it refused: the heap grows by less than the bound", () => {
    expect(figures.heapAfter - figures.heapBefore).toBeLessThan(HEAP_GROWTH_BOUND);
  });
});
