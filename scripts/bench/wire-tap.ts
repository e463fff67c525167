// A TCP relay between the bench's participants and the coordinator (`npm run bench -- round`): it forwards every
// byte unchanged and files each message under what it carries, so the coordinator's TCP byte counters
// (/api/metrics) can be split into update payload, socket.io and WebSocket framing, acks, progress, reports and
// HTTP. It reads HTTP/1.1 requests and responses without pipelining (what undici's fetch sends) and WebSocket
// frames (RFC 6455) carrying engine.io v4 / socket.io v5 packets; anything else is filed as "unparsed".
import { createConnection, createServer, type Socket } from "node:net";

export type Direction = "up" | "down";

export interface WireRecord {
  /** Date.now() when the tap read the bytes. */
  readonly at: number;
  readonly dir: Direction;
  readonly kind: string;
  /** The round these bytes belong to by their content (a round field, a global.bin path, an ack's chunk); null when
   * they name none (pings, joining, the join-time probe): the bench then files them by time. */
  readonly round: number | null;
  /** Message bytes: a WebSocket frame's payload, or an HTTP message's head or body. */
  readonly payload: number;
  /** WebSocket frame header bytes (2-14, the client's mask key included). */
  readonly framing: number;
  /** More bytes of a message already recorded (an HTTP body read in several pieces). */
  readonly continued: boolean;
}

export interface WireTap {
  readonly port: number;
  readonly records: readonly WireRecord[];
  /** Every byte forwarded so far, per direction. */
  readonly forwarded: { readonly up: number; readonly down: number };
  openConnections(): number;
  close(): Promise<void>;
}

interface Attachment {
  readonly kind: string;
  readonly round: number | null;
}

/** State both directions of one connection share: which chunk an ack answers, which label a response has. */
interface Connection {
  readonly ackRounds: Map<number, number | null>;
  response: { kind: string; round: number | null; inHead: boolean; head: Buffer; bodySeen: boolean } | undefined;
  readonly pending: Attachment[];
}

const ROUND_GLOBAL = /^\/api\/run\/rounds\/(\d+)\/global\.bin/u;

export async function startWireTap(targetPort: number, targetHost = "127.0.0.1"): Promise<WireTap> {
  const records: WireRecord[] = [];
  const forwarded = { up: 0, down: 0 };
  const open = new Set<Socket>();
  const record: Recorder = (dir, kind, round, payload, framing = 0, continued = false) => {
    records.push({ at: Date.now(), dir, kind, round, payload, framing, continued });
  };

  const server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: targetHost });
    open.add(client);
    const connection: Connection = { ackRounds: new Map(), response: undefined, pending: [] };
    const up = directionReader("up", connection, record);
    const down = directionReader("down", connection, record);
    client.on("data", (data: Buffer) => {
      forwarded.up += data.length;
      up(data);
      upstream.write(data);
    });
    upstream.on("data", (data: Buffer) => {
      forwarded.down += data.length;
      down(data);
      client.write(data);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("close", () => {
      open.delete(client);
      upstream.destroy();
    });
    upstream.on("close", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the wire tap has no TCP port");
  return {
    port: address.port,
    records,
    forwarded,
    openConnections: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}

type Recorder = (
  dir: Direction,
  kind: string,
  round: number | null,
  payload: number,
  framing?: number,
  continued?: boolean,
) => void;

/** A reader of one direction of one connection: HTTP heads until a WebSocket upgrade, then frames. */
function directionReader(dir: Direction, connection: Connection, record: Recorder): (data: Buffer) => void {
  let buffered: Buffer = Buffer.alloc(0);
  let websocket = false;
  return (data) => {
    buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
    for (;;) {
      const used = websocket
        ? readFrame(buffered, dir, connection, record)
        : dir === "up"
          ? readRequest(buffered, connection, record)
          : readResponse(buffered, connection, record);
      if (used === 0) return;
      if (used < 0) {
        // The head just read upgraded the connection; its length is -used.
        websocket = true;
        buffered = buffered.subarray(-used);
      } else {
        buffered = buffered.subarray(used);
      }
      if (buffered.length === 0) return;
    }
  };
}

/** One request head (the participants send GETs without bodies). Returns bytes used, negative for an upgrade. */
function readRequest(buffer: Buffer, connection: Connection, record: Recorder): number {
  const end = buffer.indexOf("\r\n\r\n");
  if (end < 0) return 0;
  const head = buffer.subarray(0, end + 4).toString("latin1");
  const path = /^[A-Z]+ (\S+)/u.exec(head)?.[1] ?? "";
  const upgrade = /\r\nupgrade: *websocket/iu.test(head);
  const round = ROUND_GLOBAL.exec(path)?.[1];
  const kind = upgrade
    ? "WebSocket upgrade"
    : round !== undefined
      ? "GET global.bin"
      : path.startsWith("/api/run/")
        ? "GET model, shard"
        : `GET ${path.split("?")[0] ?? ""}`;
  const roundNumber = round === undefined ? null : Number(round);
  record("up", `${kind} (request)`, roundNumber, end + 4);
  connection.response = { kind, round: roundNumber, inHead: true, head: Buffer.alloc(0), bodySeen: false };
  return upgrade ? -(end + 4) : end + 4;
}

/** Response bytes belong to the request before them (no pipelining): the head, then the body. */
function readResponse(buffer: Buffer, connection: Connection, record: Recorder): number {
  const response = connection.response;
  if (response === undefined) {
    record("down", "unparsed", null, buffer.length);
    return buffer.length;
  }
  if (!response.inHead) {
    record("down", `${response.kind} (body)`, response.round, buffer.length, 0, response.bodySeen);
    response.bodySeen = true;
    return buffer.length;
  }
  const head = Buffer.concat([response.head, buffer]);
  const end = head.indexOf("\r\n\r\n");
  if (end < 0) {
    response.head = head;
    return buffer.length;
  }
  const used = end + 4 - response.head.length;
  record("down", `${response.kind} (response head)`, response.round, end + 4);
  response.inHead = false;
  response.head = Buffer.alloc(0);
  return / 101 /u.test(head.subarray(0, 20).toString("latin1")) ? -used : used;
}

/** One WebSocket frame, when all of it has arrived. */
function readFrame(buffer: Buffer, dir: Direction, connection: Connection, record: Recorder): number {
  if (buffer.length < 2) return 0;
  const first = buffer[0] ?? 0;
  const second = buffer[1] ?? 0;
  const opcode = first & 0x0f;
  const compressed = (first & 0x40) !== 0;
  const masked = (second & 0x80) !== 0;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return 0;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return 0;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = masked ? buffer.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return 0;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (mask !== undefined)
    for (let i = 0; i < payload.length; i += 1) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  const { kind, round } = compressed
    ? { kind: "compressed frame", round: null }
    : opcode === 1
      ? classifyText(payload.toString("utf8"), dir, connection)
      : opcode === 2
        ? (connection.pending.shift() ?? { kind: "binary frame", round: null })
        : { kind: opcode >= 8 ? "WebSocket control" : "continuation", round: null };
  record(dir, kind, round, length, offset);
  return offset + length;
}

/** An engine.io packet, and inside a message, a socket.io packet: `4` + type + [attachments `-`] + [`/nsp,`] + [id]
 * + JSON. */
function classifyText(text: string, dir: Direction, connection: Connection): Attachment {
  const engine = text[0];
  if (engine === "2") return { kind: "engine.io ping", round: null };
  if (engine === "3") return { kind: "engine.io pong", round: null };
  if (engine !== "4") return { kind: "engine.io open, close", round: null };
  const packet = /^4(\d)(?:(\d+)-)?(?:(\/[^,]*),)?(\d+)?([\s\S]*)$/u.exec(text);
  const type = packet?.[1];
  const attachments = Number(packet?.[2] ?? "0");
  const id = packet?.[4] === undefined ? undefined : Number(packet[4]);
  const body = parseJson(packet?.[5] ?? "");
  if (type === "3" || type === "6") {
    const round = id === undefined ? null : (connection.ackRounds.get(id) ?? null);
    if (id !== undefined) connection.ackRounds.delete(id);
    return { kind: "chunk ack", round };
  }
  if (type !== "2" && type !== "5") return { kind: "socket.io connect, disconnect", round: null };
  const args = Array.isArray(body) ? (body as unknown[]) : [];
  const name = typeof args[0] === "string" ? args[0] : "(unnamed)";
  const fields = typeof args[1] === "object" && args[1] !== null ? (args[1] as Record<string, unknown>) : {};
  const probe = name === "upload-chunk" && fields.purpose === "probe";
  // The join-time uplink probe says round 0 but belongs to no round.
  const round = typeof fields.round === "number" && !probe ? fields.round : null;
  if (name === "upload-chunk") {
    if (dir === "up" && id !== undefined) connection.ackRounds.set(id, round);
    for (let i = 0; i < attachments; i += 1) {
      connection.pending.push({ kind: probe ? "uplink probe payload" : "update payload (codec bytes)", round });
    }
    return { kind: probe ? "upload-chunk event (uplink probe)" : "upload-chunk event", round };
  }
  return { kind: `event ${name}`, round };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
