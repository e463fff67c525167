// A coordinator of a spec's own: the real `airlora` CLI as a child process, its output kept for failure reports.
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "@playwright/test";

const CLI = new URL("../apps/coordinator/bin/airlora.mjs", import.meta.url).pathname;

export interface CliProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far, interleaved as they came. */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has gone. */
  readonly exited: Promise<number | string | null>;
}

export function spawnCli(args: readonly string[]): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve(code ?? signal);
    });
  });
  return { child, output: () => text, exited };
}

/** Polls `/api/health` until the coordinator at `origin` answers. */
export async function waitForHealth(origin: string, timeoutMs = 60_000): Promise<void> {
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(`${origin}/api/health`)).ok;
        } catch {
          return false;
        }
      },
      { timeout: timeoutMs, message: `the coordinator at ${origin} did not answer /api/health` },
    )
    .toBe(true);
}
