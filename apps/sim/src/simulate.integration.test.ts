// The simulator end to end (docs/simulator.md): the quick preset's run through the live engine, evaluation worker and
// participant sessions, twice with the same seed: once in this process, once as `airlora simulate --quick` (what CI
// promises to run). Time in the round log is the model's: compute is the reference step over the device's speed,
// uploads at least the Shannon time of the bytes at the round's share, and a seed replays to the same figures.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel, scenarioConfig, shannonRate } from "@airlora/core";
import { RoundLogLine, parseMessage } from "@airlora/protocol";
import { beforeAll, describe, expect, it } from "vitest";
import { loadResumePoint } from "@airlora/coordinator";
import { readTestSplits, resumeSimulation, simulate, writeReport, type SimulationOptions } from "./index";

const CLIENTS = 6;
const STEP_MS = 150;
const SEED = 3;
const options = (outDir: string): SimulationOptions => ({
  clients: CLIENTS,
  scenario: "crowded",
  bandwidthHz: undefined,
  stepMs: STEP_MS,
  downlinkBps: 50e6,
  latencyMs: 20,
  // In process here; the command line below trains on a thread per core: a seed must not care where it trained.
  threads: 0,
  flags: { preset: "nano", task: "spam", rounds: 2, localSteps: 4, outDir },
});

function linesOf(runDir: string): RoundLogLine[] {
  return readFileSync(join(runDir, "rounds.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((text) => {
      const parsed = parseMessage(RoundLogLine, JSON.parse(text));
      if (!parsed.ok) throw new Error(parsed.error.reason);
      return parsed.value;
    });
}

let first: RoundLogLine[] = [];
let second: RoundLogLine[] = [];
let firstDir = "";
let secondDir = "";

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), "airlora-sim-"));
  const a = await simulate(options(out), SEED);
  if (!a.ok) throw new Error(a.error.reason);
  const cli = new URL("../../coordinator/bin/airlora.mjs", import.meta.url).pathname;
  const b = spawnSync(
    process.execPath,
    [cli, "simulate", "--quick", "--scenario", "crowded", "--seeds", String(SEED), "--json", "--out", out],
    { encoding: "utf8" },
  );
  if (b.status !== 0) throw new Error(`airlora simulate exited ${String(b.status)}: ${b.stderr}`);
  const printed = JSON.parse(b.stdout.trim()) as { runDir: string; seed: number; rounds: number };
  expect(printed).toMatchObject({ seed: SEED, rounds: 2 });
  firstDir = a.value.runDir;
  first = linesOf(a.value.runDir);
  second = linesOf(printed.runDir);
  secondDir = printed.runDir;
});

describe("airlora simulate", () => {
  it("runs the probe round and the LoRA rounds with every virtual participant, in the live run format", () => {
    expect(first.map((l) => [l.round, l.phase])).toEqual([
      [0, "probe"],
      [1, "lora"],
      [2, "lora"],
    ]);
    for (const line of first) {
      expect(line.aggregated).toBe(true);
      expect(line.clients.map((c) => c.status)).toEqual(new Array<string>(CLIENTS).fill("submitted"));
    }
    const manifest = JSON.parse(readFileSync(join(firstDir, "manifest.json"), "utf8")) as {
      simulation?: { scenario?: string; channel?: { bandwidthHz?: number } };
    };
    expect(manifest.simulation).toMatchObject({ scenario: "crowded", channel: { bandwidthHz: 2e6 } });
    const summary = JSON.parse(readFileSync(join(firstDir, "summary.json"), "utf8")) as { rounds?: number };
    expect(summary.rounds).toBe(2);
  });

  it("times compute as the reference step over each device's speed, and uploads no faster than Shannon allows", () => {
    const channel = createChannel(scenarioConfig("crowded", CLIENTS), SEED);
    if (!channel.ok) throw new Error(channel.error.reason);
    const { bandwidthHz, transmitPowerW } = channel.value.config;
    for (const line of first.filter((l) => l.phase === "lora")) {
      const gains = channel.value.roundGains(line.round);
      for (const client of line.clients) {
        // A virtual participant's clientId is c- and its index in hex (memory-hub.ts).
        const n = Number.parseInt(client.id.slice(2), 16);
        const speed = channel.value.clients[n]?.computeSpeedFactor ?? Number.NaN;
        expect(client.stepsDone).toBeGreaterThan(0);
        // To 0.01 ms: the event clock counts from the epoch, where a double resolves about 2e-4 ms.
        expect(client.computeMs).toBeCloseTo(((client.stepsDone ?? 0) * STEP_MS) / speed, 2);
        const bps = shannonRate(
          client.bandwidthShare,
          bandwidthHz,
          transmitPowerW,
          gains[n] ?? 0,
          channel.value.noisePsdWPerHz,
        );
        expect(client.uploadMs).toBeGreaterThanOrEqual((8 * client.bytesUp * 1000) / bps);
      }
    }
  });

  it("replays a seed to the same figures, from the command line too: latencies, shares, bytes and evaluations", () => {
    const figures = (lines: RoundLogLine[]) =>
      lines.map((l) => ({
        round: l.round,
        latency: l.roundLatencyMs,
        eval: l.eval,
        clients: l.clients.map((c) => [
          c.bandwidthShare,
          c.byteBudget,
          c.bytesUp,
          c.computeMs,
          c.uploadMs,
          c.trainLoss,
        ]),
      }));
    expect(figures(second)).toEqual(figures(first));
  });

  it("sums the two runs up as one group of two seeds in report.md, with its charts and one test reading each", async () => {
    const out = mkdtempSync(join(tmpdir(), "airlora-report-"));
    const read = await readTestSplits([firstDir, secondDir]);
    if (!read.ok) throw new Error(read.error.reason);
    const readings = [...read.value.values()];
    expect(readings).toHaveLength(2);
    // The same seed trained the same adapter: the two readings of the 1,078 test emails agree.
    expect(readings[0]).toBeGreaterThan(0.5);
    expect(readings[1]).toBe(readings[0]);
    const written = writeReport([firstDir, secondDir], out, read.value);
    if (!written.ok) throw new Error(written.error.reason);
    expect(written.value).toEqual({ runs: 2, groups: 1, tested: 2 });
    const report = readFileSync(join(out, "report.md"), "utf8");
    const test = `${(100 * (readings[0] ?? 0)).toFixed(2)} +- 0.00%`;
    const row = `| spam nano soft tsfa crowded N=${String(CLIENTS)} steps=4 budget=10s V=100 | ${String(SEED)}, ${String(SEED)} |`;
    expect(report).toContain(row);
    const cells = report
      .split("\n")
      .find((l) => l.startsWith(row))
      ?.split(" | ");
    expect(cells?.[3]).toBe(test); // settings, seeds, validation, test
    // Training moved every kind of module from round 0's adapter (spam on nano: the embedding adapter and q, v, o, fc,
    // proj), the same in both runs of the seed.
    const moved = report
      .slice(report.indexOf("## Where the adapter moved"))
      .split("\n")
      .find((l) => l.startsWith(`| spam nano soft tsfa`))
      ?.split(" | ")
      .slice(1);
    expect(moved).toHaveLength(6);
    for (const cell of moved ?? [])
      expect(cell).toMatch(/^0\.\d*[1-9]\d* \+- 0\.000( \|)?$|^[1-9]\d*\.\d{3} \+- 0\.000( \|)?$/u);
    for (const chart of ["quality-vs-uplink.svg", "quality-vs-time.svg", "latency-vs-budget.svg", "energy-vs-V.svg"]) {
      expect(readFileSync(join(out, chart), "utf8")).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/u);
    }
    // Written again without reading: the kept readings stand (the test split is read once).
    const again = writeReport([firstDir, secondDir], out);
    expect(again.ok && again.value.tested).toBe(2);
    expect(readFileSync(join(out, "report.md"), "utf8")).toBe(report);
    expect(writeReport([join(out, "nowhere")], out).ok).toBe(false);
  });

  it("refuses to read the test split of a run whose data is not what its preparation gives now", async () => {
    const copy = mkdtempSync(join(tmpdir(), "airlora-tampered-"));
    cpSync(firstDir, copy, { recursive: true });
    const manifestPath = join(copy, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { data: { shards: { sha256: string }[] } };
    const shard = manifest.data.shards[0];
    if (shard === undefined) throw new Error("no shard in the manifest");
    shard.sha256 = `"${"0".repeat(32)}"`;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const read = await readTestSplits([copy]);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error.reason).toContain("the data split differs");
  });

  it("carries what round 1's updates left out into round 2 with --error-feedback, and changes nothing before", async () => {
    const out = mkdtempSync(join(tmpdir(), "airlora-sim-ef-"));
    const base = options(out);
    const run = await simulate({ ...base, flags: { ...base.flags, errorFeedback: true } }, SEED);
    if (!run.ok) throw new Error(run.error.reason);
    const carried = linesOf(run.value.runDir);
    const sent = (line: RoundLogLine | undefined) =>
      line?.clients.map((c) => (c.status === "submitted" ? [c.bytesUp, c.keptRatio, c.energyLost] : c.status));
    // Round 1 has nothing to carry yet, and it did leave something out (else round 2 would have nothing to add).
    expect(sent(carried[1])).toEqual(sent(first[1]));
    expect(first[1]?.clients.some((c) => c.status === "submitted" && (c.energyLost ?? 0) > 0)).toBe(true);
    expect(sent(carried[2])).not.toEqual(sent(first[2]));
    expect(carried[2]?.eval).not.toEqual(first[2]?.eval);
  });

  it("resumes a run cut back to round 1 and trains round 2 to the same evaluation, bytes and steps", async () => {
    const copy = mkdtempSync(join(tmpdir(), "airlora-resume-"));
    cpSync(firstDir, copy, { recursive: true });
    const lines = readFileSync(join(copy, "rounds.jsonl"), "utf8").trim().split("\n");
    writeFileSync(join(copy, "rounds.jsonl"), `${lines.slice(0, 2).join("\n")}\n`);
    for (const file of ["round-0002.json", "round-0002.safetensors"]) rmSync(join(copy, "checkpoints", file));
    rmSync(join(copy, "summary.json"));
    const point = loadResumePoint(copy);
    if (!point.ok) throw new Error(point.error.reason);
    const resumed = await resumeSimulation(point.value, 0);
    if (!resumed.ok) throw new Error(resumed.error.reason);
    const after = linesOf(copy);
    expect(after.map((l) => l.round)).toEqual([0, 1, 2]);
    expect(after.slice(0, 2)).toEqual(first.slice(0, 2));
    const [was, now] = [first[2], after[2]];
    expect(now?.eval).toEqual(was?.eval);
    // The same clients (ids are indices) trained and sent the same; only the clock (they rejoined first) and the
    // uplink estimate (their join probe measured again) moved.
    const sent = (line: RoundLogLine | undefined) =>
      line?.clients.map((c) => [c.id, c.status, c.stepsDone, c.bytesUp, c.computeMs, c.keptRatio]);
    expect(sent(now)).toEqual(sent(was));
    expect(now?.startedAt).toBeGreaterThan(was?.startedAt ?? Infinity);
    const manifest = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8")) as { resumes?: unknown[] };
    expect(manifest.resumes).toEqual([expect.objectContaining({ fromRound: 1 })]);
  });

  it("drops a participant that leaves in round 2 and marks one that goes silent late; the round aggregates the rest", async () => {
    const out = mkdtempSync(join(tmpdir(), "airlora-faults-"));
    const faulty = await simulate(
      {
        ...options(out),
        faults: [
          { index: 1, fault: { kind: "disconnect", round: 2 } },
          { index: 2, fault: { kind: "silent", round: 2 } },
        ],
      },
      SEED,
    );
    if (!faulty.ok) throw new Error(faulty.error.reason);
    const lines = linesOf(faulty.value.runDir);
    const status = (round: number) => lines.find((l) => l.round === round)?.clients.map((c) => [c.id, c.status]) ?? [];
    const id = (index: number): string => `c-${index.toString(16).padStart(12, "0")}`;
    // Round 1 is the fault-free run's, participant for participant.
    expect(status(1)).toEqual(first[1]?.clients.map((c) => [c.id, c.status]));
    const round2 = new Map(status(2) as [string, string][]);
    expect(round2.get(id(1))).toBe("dropped");
    expect(round2.get(id(2))).toBe("late");
    for (const index of [0, 3, 4, 5]) expect(round2.get(id(index))).toBe("submitted");
    expect(lines.find((l) => l.round === 2)?.aggregated).toBe(true);
    const manifest = JSON.parse(readFileSync(join(faulty.value.runDir, "manifest.json"), "utf8")) as {
      simulation: { faults: unknown };
    };
    expect(manifest.simulation.faults).toHaveLength(2);

    const refused = await simulate(
      { ...options(out), faults: [{ index: CLIENTS, fault: { kind: "silent", round: 1 } }] },
      SEED,
    );
    expect(refused.ok ? "ran" : refused.error.code).toBe("bad-fault");
  });
});
