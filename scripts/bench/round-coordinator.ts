// The coordinator of `npm run bench -- round` in a child process (so its CPU and TCP bytes are its own, not the
// participants'), and a sampler of its GET /api/metrics that accounts for its own requests' bytes.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";

export interface RoundEvent {
  readonly at: number;
  readonly event: "round.closed" | "round.started";
  readonly round: number;
}

export interface CoordinatorChild {
  /** http://127.0.0.1:PORT, as the join URL printed it. */
  readonly origin: string;
  readonly port: number;
  readonly runDir: string;
  /** Resolves when the process exits, with its exit code (null after a signal). */
  readonly exited: Promise<number | null>;
  /** The last lines it wrote to stderr, for error messages. */
  stderrTail(): string;
  /** Its round.closed and round.started log lines so far, with their times (ms since the epoch). */
  readonly roundEvents: readonly RoundEvent[];
  /** SIGTERM (its CLI closes the server and exits), SIGKILL if it has not exited 10 s later. */
  stop(): Promise<void>;
}

/** Starts `airlora start` with `args`, resolving once it printed its join URL and run directory (the run is
 * prepared and waits for participants). */
export function startCoordinatorChild(
  root: string,
  nodeFlags: readonly string[],
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CoordinatorChild> {
  const child = spawn(
    process.execPath,
    [...nodeFlags, join(root, "apps/coordinator/bin/airlora.mjs"), "start", ...args],
    {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    },
  );
  // A bench that dies (an exception, Ctrl-C) must not leave the coordinator running.
  const killOnExit = (): void => {
    child.kill("SIGKILL");
  };
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      process.off("exit", killOnExit);
      resolve(code);
    });
  });
  const stderr: string[] = [];
  const roundEvents: RoundEvent[] = [];
  let partial = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      // The structured log (src/log.ts): ISO time, level, event, fields.
      const round = /^(\S+) \w+ (round\.closed|round\.started) round=(\d+)/u.exec(line);
      if (round?.[1] !== undefined && (round[2] === "round.closed" || round[2] === "round.started")) {
        roundEvents.push({ at: Date.parse(round[1]), event: round[2], round: Number(round[3]) });
      }
    }
    stderr.push(...lines.filter((line) => line !== ""));
    stderr.splice(0, Math.max(0, stderr.length - 30));
  });
  let stdout = "";
  child.stdout.setEncoding("utf8");
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const stderrTail = (): string => stderr.slice(-10).join("\n");
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop().then(() => {
        reject(new Error(`the coordinator did not get ready in 120 s:\n${stderrTail()}`));
      });
    }, 120_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the coordinator exited (code ${String(code)}) before it was ready:\n${stderrTail()}`));
    });
    child.stdout.on("data", (text: string) => {
      stdout += text;
      const joinUrl = /Join \([^)]*\): *(\S+)/u.exec(stdout)?.[1];
      const runDir = /Run directory: *(\S.*)$/mu.exec(stdout)?.[1];
      if (joinUrl === undefined || runDir === undefined) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners("data");
      child.stdout.resume();
      const url = new URL(joinUrl);
      resolve({
        origin: url.origin,
        port: Number(url.port),
        runDir: runDir.trim(),
        exited,
        stderrTail,
        roundEvents,
        stop,
      });
    });
  });
}

export interface MetricsSample {
  /** Midway between sending the request and reading the answer, Date.now(). */
  readonly at: number;
  readonly cpuMs: number;
  readonly tcpBytesIn: number;
  readonly tcpBytesOut: number;
  readonly loopP99Ms: number;
  readonly loopMaxMs: number;
  /** Bytes the sampler's own requests wrote, this one included: the coordinator has read them by now. */
  readonly ownRequestBytes: number;
  /** Bytes of the sampler's earlier answers: the coordinator's counter has this answer's bytes not yet. */
  readonly ownAnswerBytesBefore: number;
}

export interface MetricsSampler {
  readonly samples: readonly MetricsSample[];
  /** One sample now (the loop keeps going). */
  sample(): Promise<MetricsSample>;
  stop(): Promise<void>;
}

/** Reads /api/metrics every `intervalMs` on one keep-alive connection. */
export function startMetricsSampler(origin: string, adminToken: string, intervalMs: number): MetricsSampler {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const samples: MetricsSample[] = [];
  const sum = (pick: (s: Socket) => number): number => [...sockets].reduce((total, s) => total + pick(s), 0);
  let chain: Promise<unknown> = Promise.resolve();

  const readOnce = (): Promise<MetricsSample> =>
    new Promise((resolve, reject) => {
      const sentAt = Date.now();
      const answersBefore = sum((s) => s.bytesRead);
      const req = request(`${origin}/api/metrics`, { agent, headers: { authorization: `Bearer ${adminToken}` } });
      req.on("socket", (socket: Socket) => sockets.add(socket));
      req.on("error", reject);
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (text: string) => (body += text));
        res.on("end", () => {
          const m = parseMetrics(body);
          if (m === undefined) {
            reject(new Error(`/api/metrics answered ${String(res.statusCode)}: ${body.slice(0, 200)}`));
            return;
          }
          const sample = {
            at: (sentAt + Date.now()) / 2,
            ...m,
            ownRequestBytes: sum((s) => s.bytesWritten),
            ownAnswerBytesBefore: answersBefore,
          };
          samples.push(sample);
          resolve(sample);
        });
      });
      req.end();
    });
  // One request at a time, so the byte accounting above holds.
  const sample = (): Promise<MetricsSample> => {
    const next = chain.then(readOnce);
    chain = next.catch(() => undefined);
    return next;
  };

  const state = { stopped: false };
  const loop = (async () => {
    while (!state.stopped) {
      await sample().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    samples,
    sample,
    stop: async () => {
      state.stopped = true;
      await loop;
      agent.destroy();
    },
  };
}

function parseMetrics(
  body: string,
): Pick<MetricsSample, "cpuMs" | "tcpBytesIn" | "tcpBytesOut" | "loopP99Ms" | "loopMaxMs"> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const m = value as Record<string, unknown>;
  const loop = (typeof m.eventLoopDelayMs === "object" ? m.eventLoopDelayMs : null) as Record<string, unknown> | null;
  const numbers = [m.cpuUserMs, m.cpuSystemMs, m.tcpBytesIn, m.tcpBytesOut, loop?.p99, loop?.max];
  if (!numbers.every((n) => typeof n === "number")) return undefined;
  const [user, system, bytesIn, bytesOut, p99, max] = numbers;
  return {
    cpuMs: (user ?? 0) + (system ?? 0),
    tcpBytesIn: bytesIn ?? 0,
    tcpBytesOut: bytesOut ?? 0,
    loopP99Ms: p99 ?? 0,
    loopMaxMs: max ?? 0,
  };
}

/** The value of a cumulative counter at `at`, interpolated between the samples around it. */
export function counterAt(samples: readonly MetricsSample[], at: number, pick: (s: MetricsSample) => number): number {
  const first = samples[0];
  if (first === undefined) return Number.NaN;
  if (at <= first.at) return pick(first);
  for (let i = 1; i < samples.length; i += 1) {
    const after = samples[i];
    const before = samples[i - 1];
    if (after === undefined || before === undefined || after.at < at) continue;
    const span = after.at - before.at;
    const share = span <= 0 ? 1 : (at - before.at) / span;
    return pick(before) + share * (pick(after) - pick(before));
  }
  const last = samples[samples.length - 1];
  return last === undefined ? Number.NaN : pick(last);
}
