// One headless Node participant in its own worker thread (docs/architecture.md): tfjs on wasm or cpu, a socket.io
// client socket, and the same participant session the browser worker runs. Its events go to the parent, which
// prints them; training here never blocks the other participants' sockets.
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { io } from "socket.io-client";
import {
  createTfjsCompute,
  memoryIdentity,
  socketTransport,
  startParticipantSession,
  systemClock,
} from "@airlora/participant";
import { withFaults } from "./faults";
import { tlsFetch } from "./tls-fetch";
import type { ParticipantThreadData, ThreadReport } from "./thread-messages";

const port = parentPort;
if (port === null) throw new Error("participant-thread.ts runs as a worker thread");
const data = workerData as ParticipantThreadData;
const report = (message: ThreadReport): void => {
  port.postMessage(message);
};

try {
  if (!(await tf.setBackend(data.backend))) throw new Error(`tfjs ${data.backend} does not initialise`);
  const tls = data.tls;
  const socket = io(`${data.origin}/client`, {
    auth: { token: data.joinToken },
    transports: ["websocket"],
    ...(tls === undefined
      ? {}
      : { rejectUnauthorized: !tls.insecure, ...(tls.ca === undefined ? {} : { ca: tls.ca }) }),
  });
  const transport = withFaults(
    socketTransport({
      socket,
      origin: data.origin,
      joinToken: data.joinToken,
      fetch: tls === undefined ? globalThis.fetch : tlsFetch(tls),
    }),
    data.faults,
    systemClock,
  );
  const session = startParticipantSession({
    transport,
    clock: systemClock,
    compute: createTfjsCompute(),
    identity: memoryIdentity(),
    device: { backend: data.backend, probe: [{ backend: data.backend, ok: true, ms: 0 }], userAgent: data.userAgent },
  });
  for await (const event of session.events()) report({ type: "event", event });
  transport.close();
} catch (error) {
  report({ type: "crashed", reason: error instanceof Error ? error.message : String(error) });
}
port.close();
