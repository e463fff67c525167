// Integration-test support: a real coordinator on an ephemeral port (its evaluation worker included) and Node
// participants in worker threads running the real participant session over real socket.io connections and HTTP,
// exactly as `airlora clients` runs them. Faults are injected by wrapping a participant's transport
// (node-clients/faults.ts), the way a bad network or a bad client behaves.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SessionEvent } from "@airlora/participant";
import { defaultConfig, type CoordinatorConfig } from "../config";
import type { Fault } from "../node-clients/faults";
import type { ParticipantTls } from "../node-clients/tls-fetch";
import { startNodeParticipants } from "../node-clients/node-participants";
import { silentLogger } from "../log";
import type { RunEngine } from "../run/engine";
import { runSettings, type RunFlags } from "../run/run-settings";
import { startCoordinator, type RunningCoordinator } from "../server";

export const JOIN = "join-token-for-tests";
export const ADMIN = "admin-token-for-tests";

export interface TestCoordinator {
  readonly coordinator: RunningCoordinator;
  readonly origin: string;
  readonly engine: RunEngine;
  readonly outDir: string;
  close(): Promise<void>;
}

/** A coordinator for `flags` (nano, a temporary run directory, no pages), prepared and waiting for participants. */
export async function startTestCoordinator(
  flags: RunFlags,
  overrides: Partial<CoordinatorConfig> = {},
): Promise<TestCoordinator> {
  const outDir = mkdtempSync(join(tmpdir(), "airlora-run-"));
  const settings = runSettings({ preset: "nano", outDir, ...flags });
  if (!settings.ok) throw new Error(settings.error.reason);
  const coordinator = await startCoordinator(
    defaultConfig(settings.value, {
      port: 0,
      host: "127.0.0.1",
      joinToken: JOIN,
      adminToken: ADMIN,
      webRoot: "/nonexistent",
      ...overrides,
    }),
    silentLogger,
  );
  const ready = await coordinator.ready;
  if (!ready.ok) {
    await coordinator.close();
    throw new Error(ready.error.reason);
  }
  return {
    coordinator,
    origin: `${overrides.tls === undefined ? "http" : "https"}://127.0.0.1:${String(coordinator.port)}`,
    engine: ready.value,
    outDir,
    close: () => coordinator.close(),
  };
}

export interface TestParticipants {
  /** Each participant's session events so far, in order. */
  readonly events: readonly SessionEvent[][];
  /** Resolves with participant `index`'s first event that satisfies `predicate` (seen already or still to come). */
  waitFor(index: number, predicate: (event: SessionEvent) => boolean, timeoutMs?: number): Promise<SessionEvent>;
  clientId(index: number): string | undefined;
  readonly crashes: string[];
  stop(): Promise<void>;
}

/** `count` participants in worker threads, as `airlora clients` runs them; participant `index` shows `faults(index)`. */
export function startParticipants(
  origin: string,
  count: number,
  faults: (index: number) => readonly Fault[] = () => [],
  tls?: ParticipantTls,
): TestParticipants {
  const events: SessionEvent[][] = Array.from({ length: count }, () => []);
  const crashes: string[] = [];
  const waiters: { index: number; predicate: (e: SessionEvent) => boolean; resolve: (e: SessionEvent) => void }[] = [];
  const threads = startNodeParticipants({
    origin,
    joinToken: JOIN,
    count,
    backend: "wasm",
    userAgent: "vitest participant",
    faults,
    ...(tls === undefined ? {} : { tls }),
    onEvent: (index, event) => {
      events[index]?.push(event);
      for (const waiter of waiters.splice(0)) {
        if (waiter.index === index && waiter.predicate(event)) waiter.resolve(event);
        else waiters.push(waiter);
      }
    },
    onCrash: (index, reason) => crashes.push(`#${String(index)}: ${reason}`),
  });
  return {
    events,
    crashes,
    waitFor: (index, predicate, timeoutMs = 120_000) => {
      const seen = events[index]?.find(predicate);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `participant ${String(index)}: no such event in ${String(timeoutMs)} ms; last: ${JSON.stringify(events[index]?.slice(-3))}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          index,
          predicate,
          resolve: (event) => {
            clearTimeout(timer);
            resolve(event);
          },
        });
      });
    },
    clientId: (index) => {
      const joined = events[index]?.find((e) => e.type === "joined");
      return joined?.type === "joined" ? joined.clientId : undefined;
    },
    stop: () => threads.stop(),
  };
}

/** Resolves once the run is done (every round logged), or rejects after `timeoutMs`. */
export async function runDone(engine: RunEngine, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (engine.state().stage !== "done") {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`the run did not finish in ${String(timeoutMs)} ms (${engine.view().activity})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
