// The coordinator's side of the simulator (docs/simulator.md): what sockets/client-namespace.ts and the HTTP file
// server do live, for virtual participants in this process. Messages are parsed with the protocol's schemas and fed
// to the same engine as events; chunks are reassembled by the coordinator's own upload assembler. The participants
// are ours, so there are no tokens, rate limits or refusal counts here: a message that does not parse is a bug, and
// ends the simulation with its reason.
import {
  acceptChunk,
  findResource,
  isComplete,
  type PreparedRun,
  type RunEngine,
  type UploadInProgress,
} from "@airlora/coordinator";
import {
  Assignment,
  Hello,
  PROTOCOL_VERSION,
  Progress,
  Ready,
  RoundReport,
  parseMessage,
  type ChunkAck,
  type UploadChunkMeta,
  type Welcome,
} from "@airlora/protocol";
import type { ParticipantTransport, TransportSignal } from "@airlora/participant";
import { ok, fail, type Result } from "@airlora/core";
import type { EventClock } from "./event-clock";
import type { VirtualLink } from "./virtual-link";

interface VirtualClient {
  readonly index: number;
  readonly clientId: string;
  readonly link: VirtualLink;
  listener: ((signal: TransportSignal) => void) | undefined;
  upload: UploadInProgress | undefined;
  probe: { readonly bytes: number; readonly spanMs: number } | undefined;
  readonly finished: Map<number, Uint8Array>;
  /** The share of the band and the round of its latest assignment (1 / N and 0 before any). */
  share: number;
  round: number;
}

export interface MemoryHub {
  /** A new virtual participant's transport; it connects at once. */
  connect(index: number, link: VirtualLink): ParticipantTransport;
  /** The engine's messages to one participant (they arrive after its link's latency); an assignment also sets the
   * share of the band its uploads get. */
  toClient(clientId: string, event: string, payload: unknown): void;
  toAllClients(event: string, payload: unknown): void;
  /** The first protocol violation seen, if any. */
  failure(): string | undefined;
}

export function createMemoryHub(
  clock: EventClock,
  prepared: PreparedRun,
  participants: number,
  engine: () => RunEngine | undefined,
): MemoryHub {
  const clients = new Map<string, VirtualClient>();
  let failure: string | undefined;
  const fault = (reason: string): void => {
    failure ??= reason;
  };
  const deliver = (client: VirtualClient, signal: TransportSignal): void => {
    clock.at(clock.now() + client.link.latencyMs, () => client.listener?.(signal));
  };
  const dispatch: RunEngine["dispatch"] = (event) => {
    engine()?.dispatch(event);
  };
  function receive(client: VirtualClient, event: string, payload: unknown): void {
    const now = clock.now();
    switch (event) {
      case "hello": {
        const hello = parseMessage(Hello, payload);
        if (!hello.ok) {
          fault(`hello: ${hello.error.reason}`);
          return;
        }
        const welcome: Welcome = {
          protocolVersion: PROTOCOL_VERSION,
          clientId: client.clientId,
          resumeToken: `simulated-participant-${client.clientId}`,
          resumed: false,
        };
        deliver(client, { kind: "message", event: "welcome", payload: welcome });
        deliver(client, { kind: "message", event: "session", payload: prepared.sessionInfo(client.index) });
        return;
      }
      case "ready": {
        const ready = parseMessage(Ready, payload);
        if (!ready.ok) {
          fault(`ready: ${ready.error.reason}`);
          return;
        }
        const probe = client.probe;
        if (probe === undefined) {
          fault(`${client.clientId} was ready before its probe arrived`);
          return;
        }
        const uploadMs = Math.max(ready.value.probeUploadMs, probe.spanMs, 1);
        dispatch({
          type: "participant-ready",
          clientId: client.clientId,
          dataWeight: prepared.sessionInfo(client.index).shard.rows,
          probeUplinkBps: (8 * probe.bytes * 1000) / uploadMs,
          backend: ready.value.backend,
          now,
        });
        return;
      }
      case "submit": {
        const report = parseMessage(RoundReport, payload);
        if (!report.ok) {
          fault(`submit: ${report.error.reason}`);
          return;
        }
        const upload = client.finished.get(report.value.round);
        client.finished.delete(report.value.round);
        if (upload === undefined) {
          fault(`${client.clientId} submitted round ${String(report.value.round)} unsent`);
          return;
        }
        dispatch({ type: "submission", clientId: client.clientId, payload: upload, report: report.value, now });
        return;
      }
      case "progress": {
        const progress = parseMessage(Progress, payload);
        if (!progress.ok) {
          fault(`progress: ${progress.error.reason}`);
          return;
        }
        dispatch({ type: "progress", clientId: client.clientId, progress: progress.value, now });
        return;
      }
      case "visibility":
        return;
      default:
        fault(`${client.clientId} sent an unknown "${event}"`);
    }
  }

  function chunk(client: VirtualClient, meta: UploadChunkMeta, bytes: Uint8Array): ChunkAck {
    const accepted = acceptChunk(
      client.upload,
      meta,
      bytes,
      { chunkBytes: prepared.settings.chunkBytes, maxTotalBytes: Number.MAX_SAFE_INTEGER },
      clock.now(),
    );
    if (!accepted.ok) {
      client.upload = undefined;
      return { ok: false, ...accepted.error };
    }
    const upload = accepted.value;
    client.upload = isComplete(upload) ? undefined : upload;
    if (isComplete(upload)) {
      if (meta.purpose === "probe")
        client.probe = { bytes: upload.totalBytes, spanMs: upload.lastChunkAt - upload.firstChunkAt };
      else client.finished.set(meta.round, upload.buffer);
    }
    return { ok: true, receivedBytes: upload.received };
  }

  return {
    connect(index, link) {
      const client: VirtualClient = {
        index,
        // The wire's clientId shape: c- and 12 hex digits (here the participant's index).
        clientId: `c-${index.toString(16).padStart(12, "0")}`,
        link,
        listener: undefined,
        upload: undefined,
        probe: undefined,
        finished: new Map(),
        share: 1 / Math.max(1, participants),
        round: 0,
      };
      clients.set(client.clientId, client);
      const wait = (ms: number): Promise<void> => clock.sleep(link.latencyMs + ms);
      return {
        listen(listener) {
          client.listener = listener;
          deliver(client, { kind: "connected" });
        },
        send(event, payload) {
          clock.at(clock.now() + link.latencyMs, () => {
            receive(client, event, payload);
          });
        },
        async sendChunk(meta, bytes): Promise<Result<unknown>> {
          const bps = link.uplinkBps(client.share, client.round);
          if (!(bps > 0)) return fail({ code: "no-link", reason: `${client.clientId} has no uplink at share 0` });
          await wait((8 * bytes.length * 1000) / bps);
          return ok(chunk(client, meta, bytes));
        },
        async fetch(path): Promise<Result<Uint8Array>> {
          const current = engine();
          const bytes = current === undefined ? undefined : findResource(current, path)?.resource.bytes;
          if (bytes === undefined) return fail({ code: "not-found", reason: `no file at ${path}` });
          await wait((8 * bytes.length * 1000) / link.downlinkBps);
          dispatch({ type: "downloaded", clientId: client.clientId, bytes: bytes.length, now: clock.now() });
          return ok(bytes);
        },
        close() {
          // As a socket's close reaches the live server: the engine hears that the participant left.
          if (client.listener === undefined) return;
          client.listener = undefined;
          clock.at(clock.now() + link.latencyMs, () => {
            dispatch({ type: "participant-left", clientId: client.clientId, now: clock.now() });
          });
        },
      };
    },
    toClient(clientId, event, payload) {
      const client = clients.get(clientId);
      if (client === undefined) return;
      if (event === "assignment") {
        const assignment = parseMessage(Assignment, payload);
        if (!assignment.ok) {
          fault(`assignment: ${assignment.error.reason}`);
          return;
        }
        client.round = assignment.value.round;
        client.share = assignment.value.bandwidthShare;
      }
      deliver(client, { kind: "message", event, payload });
    },
    toAllClients(event, payload) {
      for (const client of clients.values()) deliver(client, { kind: "message", event, payload });
    },
    failure: () => failure,
  };
}
