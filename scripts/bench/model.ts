// `npm run bench -- model`: LoRA training step time, tokens/s and achieved GFLOP/s for nano and tiny per backend,
// each next to a plain matMul's GFLOP/s on the same backend. Node (wasm, cpu) here; Chromium (webgpu, webgl,
// wasm) through the device lab page of a real coordinator. Then the participant's default training configuration
// (PARTICIPANT_TRAINING) at ranks 8 and 32 on Node wasm: time and peak memory per step. Flags: --quick (fewer
// steps), --node-only.
import { spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { chromium } from "@playwright/test";
import {
  PARTICIPANT_TRAINING,
  PRESETS,
  benchLoraStep,
  benchParticipantStep,
  type LoraStepFigures,
  type ParticipantStepFigures,
} from "@airlora/model";
import { BASE_FLAGS, WEBGPU_FLAGS, findChromium } from "../../e2e/chromium";
import { machineLine, printTable } from "./table";

const quick = process.argv.includes("--quick");
const nodeOnly = process.argv.includes("--node-only");
const steps = quick ? 2 : 5;
const batch = 8;
const root = new URL("../..", import.meta.url).pathname;

type Row =
  | (LoraStepFigures & { ok: true; where: string })
  | { ok: false; where: string; preset: string; backend: string; reason: string };
const rows: Row[] = [];

for (const preset of ["nano", "tiny"] as const) {
  for (const backend of ["wasm", "cpu"]) {
    await tf.setBackend(backend);
    const config = PRESETS[preset];
    process.stdout.write(`node ${backend} ${preset}…\n`);
    const figures = await benchLoraStep(config, backend, { batch, seqLen: Math.min(64, config.nCtx), steps });
    rows.push({ ok: true, where: "node", ...figures });
  }
}

// The participant's default configuration; last, the reference run's step (batch 16, unsplit) it replaces.
await tf.setBackend("wasm");
const participant: (ParticipantStepFigures & { config: string })[] = [];
for (const preset of ["nano", "tiny"] as const) {
  for (const rank of [8, 32]) {
    process.stdout.write(`node wasm ${preset} participant default, rank ${String(rank)}…\n`);
    const figures = await benchParticipantStep(PRESETS[preset], "wasm", PARTICIPANT_TRAINING[preset], { rank, steps });
    participant.push({ config: "participant default", ...figures });
  }
}
const referenceStep = { ...PARTICIPANT_TRAINING.tiny, batchSize: 16, microBatchSize: 16 };
process.stdout.write("node wasm tiny reference-run step, rank 32…\n");
participant.push({
  config: "reference run (unsplit)",
  ...(await benchParticipantStep(PRESETS.tiny, "wasm", referenceStep, { rank: 32, steps })),
});

if (!nodeOnly) {
  process.stdout.write("chromium (webgpu, webgl, wasm) through the device lab page…\n");
  rows.push(...(await chromiumRows()));
}

printTable(
  `LoRA training step, batch ${String(batch)} x 64 tokens, rank 8 on q and v (${machineLine()}, ${String(cpus().length)} cores ${cpus()[0]?.model ?? ""})`,
  [
    "where",
    "model",
    "backend",
    "first step ms",
    "ms/step",
    "tokens/s",
    "step GFLOP/s",
    "matMul GFLOP/s",
    "ratio",
    "peak MB",
  ],
  rows.map((r) =>
    r.ok
      ? [
          r.where,
          r.preset,
          r.backend,
          r.firstStepMs.toFixed(0),
          r.msPerStep.toFixed(0),
          r.tokensPerSec.toFixed(0),
          r.gflopsPerSec.toFixed(2),
          r.matMulGflopsPerSec.toFixed(2),
          `${((100 * r.gflopsPerSec) / r.matMulGflopsPerSec).toFixed(0)}%`,
          r.peakMegabytes.toFixed(0),
        ]
      : [r.where, r.preset, r.backend, r.reason.slice(0, 60), "", "", "", "", "", ""],
  ),
);
console.log("step GFLOP/s counts 2x the forward pass (frozen base: input gradients only); ratio = step / matMul.");

printTable(
  `participant default config (PARTICIPANT_TRAINING): one classification step on Node wasm, LoRA on ${PARTICIPANT_TRAINING.tiny.targets.join(",")}`,
  ["config", "preset", "rank", "batch", "micro-batch", "tokens/row", "ms/step", "peak MB"],
  participant.map((r) => [
    r.config,
    r.preset,
    String(r.rank),
    String(r.batch),
    String(r.microBatch),
    String(r.stepTokensPerRow),
    r.msPerStep.toFixed(0),
    r.peakMegabytes.toFixed(0),
  ]),
);
console.log("peak MB = tfjs profiler peak of one step plus the frozen base weights (every tensor view counted).");

async function chromiumRows(): Promise<Row[]> {
  // The lab page must match this checkout's model code.
  const build = spawnSync(
    process.execPath,
    [join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (build.status !== 0) throw new Error("vite build failed");
  const port = 8190 + Math.floor(Math.random() * 100);
  const server = spawn(
    process.execPath,
    [join(root, "apps/coordinator/bin/airlora.mjs"), "start", "--host", "127.0.0.1", "--port", String(port)],
    { stdio: "ignore" },
  );
  try {
    await waitForHealth(`http://127.0.0.1:${String(port)}/api/health`);
    const browser = await chromium.launch({ executablePath: findChromium(), args: [...BASE_FLAGS, ...WEBGPU_FLAGS] });
    try {
      const page = await browser.newPage();
      await page.goto(
        `http://127.0.0.1:${String(port)}/lab?run=bench&presets=nano,tiny&backends=webgpu,webgl,wasm&steps=${String(steps)}&batch=${String(batch)}`,
      );
      await page.getByTestId("lab-status").and(page.locator('[data-state="done"]')).waitFor({ timeout: 600_000 });
      const json = await page
        .getByTestId("bench-row")
        .evaluateAll((els: { getAttribute(name: string): string | null }[]) =>
          els.map((e) => e.getAttribute("data-json") ?? "{}"),
        );
      return json.map((text) => ({ where: "chromium", ...(JSON.parse(text) as Omit<Row, "where">) }) as Row);
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`coordinator did not answer at ${url}`);
}
