// GET /api/metrics (admin; docs/interfaces.md): what the coordinator process costs and carries, for benchmarks and
// operators: CPU time, event-loop delay, and bytes on its TCP connections (HTTP and WebSocket framing included).
import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

export interface CoordinatorMetrics {
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Event-loop delay since start, ms: what a socket waits at worst before the coordinator reads it. */
  readonly eventLoopDelayMs: { readonly mean: number; readonly p99: number; readonly max: number };
  /** Bytes read from and written to every TCP connection so far, closed ones included. */
  readonly tcpBytesIn: number;
  readonly tcpBytesOut: number;
  readonly connections: number;
  readonly heapUsedBytes: number;
  /** Memory behind ArrayBuffers and Buffers (upload buffers, socket frames), which the JS heap figure leaves out. */
  readonly arrayBuffersBytes: number;
}

export interface MetricsSource {
  read(): CoordinatorMetrics;
  stop(): void;
}

export function watchMetrics(http: HttpServer): MetricsSource {
  const open = new Set<Socket>();
  let closedIn = 0;
  let closedOut = 0;
  http.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      closedIn += socket.bytesRead;
      closedOut += socket.bytesWritten;
    });
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  return {
    read: () => {
      const cpu = process.cpuUsage();
      let bytesIn = closedIn;
      let bytesOut = closedOut;
      for (const socket of open) {
        bytesIn += socket.bytesRead;
        bytesOut += socket.bytesWritten;
      }
      return {
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        eventLoopDelayMs: { mean: delay.mean / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
        tcpBytesIn: bytesIn,
        tcpBytesOut: bytesOut,
        connections: open.size,
        ...memoryNow(),
      };
    },
    stop: () => {
      delay.disable();
    },
  };
}

function memoryNow(): { heapUsedBytes: number; arrayBuffersBytes: number } {
  const memory = process.memoryUsage();
  return { heapUsedBytes: memory.heapUsed, arrayBuffersBytes: memory.arrayBuffers };
}
