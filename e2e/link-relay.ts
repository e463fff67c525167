// One browser context's own network link: a TCP relay in front of the coordinator that holds every byte the browser
// sends for a latency and lets it through at a set rate, as a phone's radio link would, and that can go down.
// Why a relay and not CDP (docs/platform.md section 5): the participant's socket lives in a dedicated worker, and
// Chromium's network emulation does not reach it (a page's throttling leaves the worker's WebSocket at full speed, the
// worker's own target answers "Not supported", and Playwright's setOffline leaves that socket connected). Bytes on
// the wire are slowed whichever target sent them, and the shape can change mid-run.
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";

export interface LinkShape {
  /** Browser -> coordinator, bits per second. */
  readonly upBps: number;
  /** Added to every chunk the browser sends, milliseconds. */
  readonly latencyMs: number;
  /** If set, whatever the browser writes beyond BULK_BYTES at once (an upload, not a small message) goes at this
   * rate instead, and what follows waits behind it, as on a link that collapses once a transfer starts. */
  readonly bulkBps?: number;
}

// Above an HTTP request with its headers, below any update chunk.
const BULK_BYTES = 4096;

export const UNSHAPED: LinkShape = { upBps: 1e10, latencyMs: 0 };

export interface LinkRelay {
  /** The origin the context opens instead of the coordinator's. */
  readonly origin: string;
  /** Bytes relayed browser -> coordinator so far. */
  upBytes(): number;
  reshape(shape: LinkShape): void;
  /** Offline: every open connection is cut and new ones are refused, as when a device loses its Wi-Fi. */
  setOnline(online: boolean): void;
  close(): Promise<void>;
}

export async function openLinkRelay(target: { host: string; port: number }, initial: LinkShape): Promise<LinkRelay> {
  let shape = initial;
  let online = true;
  let upBytes = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((browserSide) => {
    if (!online) {
      browserSide.destroy();
      return;
    }
    const coordinatorSide = connect(target.port, target.host);
    open.add(browserSide).add(coordinatorSide);
    // When the link is next free: chunks leave in order, each after its latency and its time on the air.
    let nextFreeAt = 0;
    const send = (piece: Buffer, bps: number): void => {
      const now = Date.now();
      nextFreeAt = Math.max(now + shape.latencyMs, nextFreeAt) + (piece.length * 8 * 1000) / bps;
      setTimeout(() => {
        upBytes += piece.length;
        if (!coordinatorSide.destroyed) coordinatorSide.write(piece);
      }, nextFreeAt - now);
    };
    browserSide.on("data", (chunk: Buffer) => {
      // The browser may write a small message and an upload in one go: the first BULK_BYTES keep the link's rate.
      if (shape.bulkBps === undefined || chunk.length <= BULK_BYTES) {
        send(chunk, shape.upBps);
        return;
      }
      send(chunk.subarray(0, BULK_BYTES), shape.upBps);
      send(chunk.subarray(BULK_BYTES), shape.bulkBps);
    });
    coordinatorSide.on("data", (chunk: Buffer) => {
      if (!browserSide.destroyed) browserSide.write(chunk);
    });
    const closeBoth = (): void => {
      browserSide.destroy();
      coordinatorSide.destroy();
      open.delete(browserSide);
      open.delete(coordinatorSide);
    };
    browserSide.on("close", closeBoth).on("error", closeBoth);
    coordinatorSide.on("close", closeBoth).on("error", closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const cutAll = (): void => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  return {
    origin: `http://127.0.0.1:${String(port)}`,
    upBytes: () => upBytes,
    reshape: (next) => {
      shape = next;
    },
    setOnline: (next) => {
      online = next;
      if (!online) cutAll();
    },
    close: async () => {
      cutAll();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}
