import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { PRESETS } from "../config/model-config";
import { timeLoraStep } from "../bench/lora-step-bench";
import { chooseBackend, choiceAttempts } from "./choose";

/** A step time per backend, as if measured: lets the test say which one is faster. */
const fakeTimes = (ms: Partial<Record<string, number>>) => () =>
  Promise.resolve({ firstStepMs: 2 * (ms[tf.getBackend()] ?? 0), msPerStep: ms[tf.getBackend()] ?? 0 });

describe("backend choice", () => {
  it("takes the backend with the fastest timed step, not the first that works, and says why for each other", async () => {
    const choice = await chooseBackend({ timeStep: fakeTimes({ wasm: 90, cpu: 30 }) });
    expect(choice.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(choice.rows.map((r) => [r.backend, r.verdict])).toEqual([
      ["webgpu", "failed"],
      ["webgl", "failed"],
      ["wasm", "slower"],
      ["cpu", "chosen"],
    ]);
    expect(choice.rows[0]?.reason).toBe("not included in this build");
    expect(choice.rows[2]).toMatchObject({ stepMs: 90, firstStepMs: 180 });
    expect(choice.rows[2]?.reason).toBe("works, but 90 ms per LoRA step is 3.0x the cpu step");
    expect(choice.rows[3]?.reason).toBe("the fastest LoRA step");

    const other = await chooseBackend({ timeStep: fakeTimes({ wasm: 30, cpu: 90 }) });
    expect(other.backend).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
  });

  it("takes a forced backend that works without timing any, and falls back to timing when it fails", async () => {
    let timedSteps = 0;
    const counting = () => {
      timedSteps += 1;
      return Promise.resolve({ firstStepMs: 1, msPerStep: tf.getBackend() === "wasm" ? 1 : 2 });
    };
    const forced = await chooseBackend({ forced: "cpu", timeStep: counting });
    expect(forced.backend).toBe("cpu");
    expect(timedSteps).toBe(0);
    expect(forced.rows.find((r) => r.backend === "wasm")).toMatchObject({ verdict: "not-timed" });

    const refused = await chooseBackend({
      forced: "cpu",
      preflight: { cpu: () => Promise.resolve("no cpu today") },
      timeStep: counting,
    });
    expect(refused.backend).toBe("wasm");
    expect(refused.rows.find((r) => r.backend === "wasm")?.reason).toBe(
      "the only one that works (?backend=cpu asked for cpu but no cpu today)",
    );
  });

  it("counts a backend whose timed step throws as failed, and reports the choice in the hello's terms", async () => {
    const choice = await chooseBackend({
      timeStep: () =>
        tf.getBackend() === "wasm"
          ? Promise.reject(new Error("out of memory"))
          : Promise.resolve({ firstStepMs: 5, msPerStep: 5 }),
    });
    expect(choice.backend).toBe("cpu");
    expect(choice.rows.find((r) => r.backend === "wasm")).toMatchObject({
      verdict: "failed",
      reason: "its LoRA step failed: out of memory",
    });
    expect(choiceAttempts(choice).slice(2)).toEqual([
      { backend: "wasm", ok: false, ms: expect.any(Number) as number, reason: "its LoRA step failed: out of memory" },
      { backend: "cpu", ok: true, ms: expect.any(Number) as number },
    ]);
  });

  it("times a real LoRA step: a warm-up, then a positive least step time", async () => {
    await tf.setBackend("wasm");
    const figures = await timeLoraStep(PRESETS.nano, { batch: 2, seqLen: 16, steps: 2 });
    expect(figures.msPerStep).toBeGreaterThan(0);
    expect(figures.firstStepMs).toBeGreaterThan(0);
  });
});
