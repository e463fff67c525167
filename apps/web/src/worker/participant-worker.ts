// The participant's worker (docs/architecture.md section 4): it chooses the tfjs backend, owns the socket.io
// connection, the transport and tfjs, and runs the one participant session that Node participants run too
// (packages/participant). The page hands it the join token, the stored resume token and visibility changes, and
// renders what comes back; nothing here touches storage or the DOM.
import "./tfjs-setup";
import { io } from "socket.io-client";
import { PRESETS, chooseBackend, choiceAttempts, timeLoraStep } from "@airlora/model";
import {
  createTfjsCompute,
  memoryIdentity,
  socketTransport,
  startParticipantSession,
  systemClock,
  type ParticipantSession,
  type ParticipantTransport,
} from "@airlora/participant";
import { parseMessage } from "@airlora/protocol";
import { cachedFetch, subtleSha256Hex, type CacheLike } from "./cached-fetch";
import { WorkerRequest, type WorkerReply } from "./messages";
import { browserPreflights } from "./preflights";

/** The timed step of the backend choice: nano-sized, so that choosing costs a second, not a minute, on wasm. */
const CHOICE_STEP = { batch: 2, seqLen: 32, steps: 2 } as const;
const CACHE_NAME = "airlora-run-files-v1";

// The DOM lib types `self` as a Window; this is the slice of DedicatedWorkerGlobalScope we use.
const scope = self as unknown as {
  postMessage(reply: WorkerReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
};
const post = (reply: WorkerReply): void => {
  scope.postMessage(reply);
};

let session: ParticipantSession | undefined;
let transport: ParticipantTransport | undefined;
let started = false;

scope.addEventListener("message", (event) => {
  const request = parseMessage(WorkerRequest, event.data);
  if (!request.ok) {
    post({ type: "failed", code: "bad-request", reason: request.error.reason });
    return;
  }
  const message = request.value;
  switch (message.type) {
    case "start":
      if (started) return;
      started = true;
      void run(message).catch((error: unknown) => {
        post({
          type: "failed",
          code: "worker-crashed",
          reason: error instanceof Error ? error.message : String(error),
        });
      });
      return;
    case "visibility":
      session?.setVisibility(message.hidden);
      return;
    case "stop":
      session?.stop();
      transport?.close();
      return;
    default:
      message satisfies never;
  }
});

async function run(start: Extract<WorkerRequest, { type: "start" }>): Promise<void> {
  const choice = await chooseBackend({
    preflight: browserPreflights,
    ...(start.forced === undefined ? {} : { forced: start.forced }),
    ...(start.forcedBy === undefined ? {} : { forcedBy: start.forcedBy }),
    timeStep: () => timeLoraStep(PRESETS.nano, CHOICE_STEP),
  });
  post({ type: "backend", backend: choice.backend, rows: [...choice.rows] });
  if (choice.backend === null) return;

  const cache = await openCache();
  const socket = io(`${start.origin}/client`, { auth: { token: start.joinToken }, transports: ["websocket"] });
  transport = socketTransport({
    socket,
    origin: start.origin,
    joinToken: start.joinToken,
    fetch: cachedFetch(
      (url, init) => fetch(url, init),
      cache,
      subtleSha256Hex,
      (download) => {
        post({ type: "download", ...download });
      },
    ),
  });
  session = startParticipantSession({
    transport,
    clock: systemClock,
    compute: createTfjsCompute(),
    identity: memoryIdentity(start.resumeToken, (resumeToken) => {
      post({ type: "identity", resumeToken });
    }),
    device: { backend: choice.backend, probe: choiceAttempts(choice), userAgent: navigator.userAgent.slice(0, 512) },
  });
  session.setVisibility(start.hidden);
  for await (const event of session.events()) post({ type: "event", event });
  transport.close();
  post({ type: "ended" });
}

/** Cache Storage exists only in a secure context (https, localhost); without it every join downloads again. */
async function openCache(): Promise<CacheLike | undefined> {
  if (typeof caches === "undefined") {
    post({
      type: "cache",
      available: false,
      reason: "no Cache Storage here (it needs a secure context: https or localhost), so a rejoin downloads again",
    });
    return undefined;
  }
  try {
    const cache = await caches.open(CACHE_NAME);
    post({ type: "cache", available: true });
    return cache;
  } catch (error) {
    post({ type: "cache", available: false, reason: error instanceof Error ? error.message : String(error) });
    return undefined;
  }
}
