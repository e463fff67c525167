import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { probeBackends, probeOrder } from "./probe";

describe("backend probe", () => {
  it("skips backends missing from the build or refused by a preflight, and settles on one that computes right", async () => {
    const report = await probeBackends({
      order: ["webgpu", "wasm", "cpu"],
      preflight: { wasm: () => Promise.resolve("no wasm here") },
    });
    expect(report.backend).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(report.attempts.map((a) => [a.backend, a.ok, a.reason])).toEqual([
      ["webgpu", false, "not included in this build"],
      ["wasm", false, "no wasm here"],
      ["cpu", true, undefined],
    ]);
  });

  it("reports a preflight that throws as a failure instead of throwing", async () => {
    const report = await probeBackends({
      order: ["cpu"],
      preflight: { cpu: () => Promise.reject(new Error("boom")) },
    });
    expect(report.backend).toBeNull();
    expect(report.attempts[0]?.reason).toBe("boom");
  });

  it("puts the preferred backend first and keeps every other one", () => {
    expect(probeOrder("wasm")).toEqual(["wasm", "webgpu", "webgl", "cpu"]);
    expect(probeOrder()).toEqual(["webgpu", "webgl", "wasm", "cpu"]);
  });
});
