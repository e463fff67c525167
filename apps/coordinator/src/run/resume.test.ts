// Which round a resume carries on from, on run directories as crashes leave them: a process killed in the middle of
// a checkpoint, a torn last log line, a round closed but not yet logged, a tampered adapter file.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initAdapter, type AdapterSpec, type AdapterState } from "@airlora/core";
import { PRESETS, adapterSpecFor } from "@airlora/model";
import type { RoundLogLine } from "@airlora/protocol";
import { beforeEach, describe, expect, it } from "vitest";
import { quietRunState } from "../test-support/checkpoint-state";
import { loadResumePoint } from "./resume";
import { checkpointPaths, openRunDirectory, type CheckpointInput, type RunDirectory } from "./run-directory";
import { runSettings, type RunSettings } from "./run-settings";

const CRASH = new URL("../test-support/crash-during-checkpoint.ts", import.meta.url).pathname;
const RUN_ID = "20261201-000000-spam-nano-0001";

let dir: string;
let directory: RunDirectory;
let settings: RunSettings;
let spec: AdapterSpec;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "airlora-resume-unit-"));
  const parsed = runSettings({ preset: "nano", task: "spam", rank: 4, rounds: 5, outDir: dir });
  if (!parsed.ok) throw new Error(parsed.error.reason);
  settings = parsed.value;
  spec = adapterSpecFor(PRESETS.nano, { rank: 4, targets: settings.targets, head: { kind: "classifier", classes: 2 } });
  directory = openRunDirectory(dir);
  directory.writeManifest({ runId: RUN_ID, settings, pilot: null });
  directory.writeSecrets({ joinToken: "join-token-1", adminToken: "admin-token-1" });
  for (const round of [0, 1]) {
    directory.writeCheckpoint(checkpoint(round, initAdapter(spec, round)));
    directory.appendRound(logLine(round));
  }
});

describe("resume point", () => {
  it("carries on after the last round that is logged and checkpointed", () => {
    const point = loadResumePoint(dir);
    if (!point.ok) throw new Error(point.error.reason);
    expect(point.value.checkpoint?.round).toBe(1);
    expect(point.value.lines.map((l) => l.round)).toEqual([0, 1]);
    expect(point.value.checkpoint?.global).toEqual(initAdapter(spec, 1));
    expect(point.value.secrets).toEqual({ joinToken: "join-token-1", adminToken: "admin-token-1" });
    expect(point.value.finished).toBe(false);
  });

  for (const [nth, what] of [
    [1, "the adapter"],
    [2, "the state beside it"],
  ] as const) {
    // The child is a fresh Node with tsx compiling on the fly: under a loaded CI machine that alone can pass 5 s.
    it(
      `a process killed between writing and renaming ${what} leaves the previous checkpoint in use`,
      { timeout: 60_000 },
      () => {
        const input = join(dir, "crash-input.json");
        const next = checkpoint(2, initAdapter(spec, 2));
        const plain = {
          ...next,
          adapter: {
            modules: next.adapter.modules.map((m) => ({ a: [...m.a], b: [...m.b] })),
            dense: next.adapter.dense.map((d) => [...d]),
          },
        };
        writeFileSync(input, JSON.stringify({ dir, input: plain }));
        const child = spawnSync(process.execPath, ["--import", "tsx", CRASH, input, String(nth)], {
          encoding: "utf8",
        });
        expect(child.signal, child.stderr).toBe("SIGKILL");
        const leftovers = readdirSync(join(dir, "checkpoints")).filter((name) => name.includes(".tmp-"));
        expect(leftovers.length).toBe(1); // the write really was cut off before its rename
        expect(existsSync(checkpointPaths(dir, 2).state)).toBe(false);
        // The log line of round 2 would only be written after its checkpoint; even if it were there, round 2 is not
        // complete on disk without its state, so round 1 is where the run carries on.
        directory.appendRound(logLine(2));
        const point = loadResumePoint(dir);
        if (!point.ok) throw new Error(point.error.reason);
        expect(point.value.checkpoint?.round).toBe(1);
        expect(point.value.checkpoint?.global).toEqual(initAdapter(spec, 1));
        expect(point.value.lines.map((l) => l.round)).toEqual([0, 1]);
        expect(point.value.droppedLines).toBe(1);
      },
    );
  }

  it("runs a round again whose checkpoint is saved but whose line (its evaluation) never made it", () => {
    directory.writeCheckpoint(checkpoint(2, initAdapter(spec, 2)));
    const point = loadResumePoint(dir);
    expect(point.ok && point.value.checkpoint?.round).toBe(1);
  });

  it("drops a torn last line of the log", () => {
    appendFileSync(join(dir, "rounds.jsonl"), '{"round":2,"phase":"lo');
    const point = loadResumePoint(dir);
    if (!point.ok) throw new Error(point.error.reason);
    expect(point.value.lines.map((l) => l.round)).toEqual([0, 1]);
    expect(point.value.droppedLines).toBe(1);
  });

  it("does not use an adapter file that is not the one its state names", () => {
    writeFileSync(checkpointPaths(dir, 1).adapter, "tampered");
    const point = loadResumePoint(dir);
    expect(point.ok && point.value.checkpoint?.round).toBe(0);
  });

  it("refuses a directory without a manifest, and one whose settings are not a run's", () => {
    const empty = mkdtempSync(join(tmpdir(), "airlora-empty-"));
    const none = loadResumePoint(empty);
    expect(none.ok ? "" : none.error.reason).toMatch(/no manifest\.json/u);
    directory.writeManifest({ runId: RUN_ID, settings: { ...settings, rounds: -1 }, pilot: null });
    const bad = loadResumePoint(dir);
    expect(bad.ok ? "" : bad.error.reason).toMatch(/settings\.rounds/u);
  });

  it("says a run that logged all its rounds is finished", () => {
    for (const round of [2, 3, 4, 5]) {
      directory.writeCheckpoint(checkpoint(round, initAdapter(spec, round)));
      directory.appendRound(logLine(round));
    }
    const point = loadResumePoint(dir);
    expect(point.ok && point.value.finished).toBe(true);
  });
});

function checkpoint(round: number, adapter: AdapterState): CheckpointInput {
  return {
    round,
    spec,
    adapter,
    metadata: { round: String(round) },
    savedAt: 1000 + round,
    state: quietRunState(RUN_ID, round, 4),
  };
}

function logLine(round: number): RoundLogLine {
  return {
    round,
    phase: round === 0 ? "probe" : "lora",
    startedAt: round * 1000,
    endedAt: round * 1000 + 500,
    rule: "soft",
    scheduler: "tsfa",
    precision: "fp16",
    rank: 4,
    latencyBudgetMs: 10_000,
    roundLatencyMs: 500,
    expectedLatencyMs: 500,
    deadlineMs: 2500,
    virtualQueue: 0,
    quorum: { minClients: 2, submitted: 2 },
    aggregated: true,
    eval: { loss: 0.3, accuracy: 0.9, examples: 10 },
    separationGap: null,
    clients: [],
  };
}
