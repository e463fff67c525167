// `airlora clients` as a user runs it (docs/interfaces.md): a separate process with two headless participants joins
// a running coordinator by its join URL, takes part until the run is done, prints a line per participant and exits 0.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOIN, runDone, startTestCoordinator, type TestCoordinator } from "./test-support/federation";
import { readRoundLog } from "./test-support/round-log";

const CLI = new URL("../bin/airlora.mjs", import.meta.url).pathname;

let run: TestCoordinator;
let output = "";
let exitCode: number | null = null;

beforeAll(async () => {
  run = await startTestCoordinator({ task: "spam", rounds: 1, minClients: 2, shards: 2, localSteps: 5, rank: 4 });
  const child = spawn(process.execPath, [CLI, "clients", "--url", `${run.origin}/?token=${JOIN}`, "--count", "2"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  exitCode = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  await runDone(run.engine, 30_000);
});

afterAll(async () => {
  await run.close();
});

describe("airlora clients", () => {
  it("takes part in every round with both participants and exits 0 when the run finishes", () => {
    expect(exitCode, output).toBe(0);
    const lines = readRoundLog(run.engine.run.directory.path);
    expect(lines.map((l) => l.round)).toEqual([0, 1]);
    for (const line of lines) expect(line.clients.map((c) => c.status)).toEqual(["submitted", "submitted"]);
  });

  it("prints a line per participant with its clientId and how its rounds went", () => {
    for (const index of [0, 1]) {
      expect(output).toMatch(
        new RegExp(`# ?${String(index)} c-[0-9a-f]{12} 2 ok 0 missed.*run finished after 1 rounds`, "u"),
      );
    }
  });
});
