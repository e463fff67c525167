import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PRESETS } from "../config/model-config";
import { LORA_TARGETS, adapterSpecFor, type LoraTarget, type TaskHead } from "../lora/lora-targets";
import { adapterMetadata, describeSpec, descriptionFromMetadata, sameSpec } from "./adapter-description";

const config = PRESETS.nano;
const targetSets = fc
  .subarray([...LORA_TARGETS], { minLength: 1 })
  .map((targets) => LORA_TARGETS.filter((t) => targets.includes(t)));
const heads = fc.oneof(
  fc.constant<TaskHead>({ kind: "lm" }),
  fc.integer({ min: 2, max: 9 }).map((classes): TaskHead => ({ kind: "classifier", classes })),
);

describe("adapter descriptions", () => {
  it("a spec built from a description describes itself back, and its metadata reads back to the same spec", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 64 }),
        targetSets,
        heads,
        (rank, alpha, targets, head) => {
          const spec = adapterSpecFor(config, { rank, alpha, targets, head });
          const described = describeSpec(spec);
          expect(described).toEqual({ ok: true, value: { rank, alpha, targets, head } });
          if (!described.ok) return;
          const metadata = adapterMetadata(described.value);
          const read = descriptionFromMetadata({ airlora_run: "x", round: "3", ...metadata });
          expect(read?.ok).toBe(true);
          if (read?.ok !== true) return;
          expect(sameSpec(adapterSpecFor(config, read.value), spec)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });

  it("sameSpec tells specs apart by rank, alpha, targets and head", () => {
    const spec = adapterSpecFor(config, { rank: 4, targets: ["q", "v"], head: { kind: "lm" } });
    const others: [number, number, LoraTarget[], TaskHead][] = [
      [2, 8, ["q", "v"], { kind: "lm" }],
      [4, 6, ["q", "v"], { kind: "lm" }],
      [4, 8, ["q", "k"], { kind: "lm" }],
      [4, 8, ["q", "v"], { kind: "classifier", classes: 2 }],
    ];
    expect(
      sameSpec(spec, adapterSpecFor(config, { rank: 4, alpha: 8, targets: ["v", "q"], head: { kind: "lm" } })),
    ).toBe(true);
    for (const [rank, alpha, targets, head] of others) {
      expect(sameSpec(spec, adapterSpecFor(config, { rank, alpha, targets, head }))).toBe(false);
    }
  });

  it("metadata without the adapter keys says nothing; with wrong ones it says what is wrong", () => {
    expect(descriptionFromMetadata({ airlora_run: "r", round: "1", preset: "nano", task: "spam" })).toBeUndefined();
    const good = { lora_rank: "4", lora_alpha: "8", lora_targets: "q,v", head: "classifier:2" };
    const reasons = (metadata: Record<string, string>): string => {
      const read = descriptionFromMetadata(metadata);
      return read === undefined || read.ok ? "" : read.error.reason;
    };
    expect(reasons({ ...good, lora_rank: "0" })).toContain("lora_rank");
    expect(reasons({ ...good, lora_alpha: "-1" })).toContain("lora_alpha");
    expect(reasons({ ...good, lora_targets: "q,x" })).toContain('"x"');
    expect(reasons({ ...good, head: "classifier:1" })).toContain("head");
    expect(reasons({ lora_rank: "4" })).toContain("lacks lora_alpha, lora_targets, head");
    expect(reasons(good)).toBe("");
  });

  it("refuses to describe a spec adapterSpecFor would not make", () => {
    const spec = adapterSpecFor(config, { rank: 4, head: { kind: "lm" } });
    const [first, ...rest] = spec.modules;
    if (first === undefined) throw new Error("no modules");
    expect(describeSpec({ ...spec, modules: [{ ...first, rank: 2 }, ...rest] }).ok).toBe(false);
    expect(describeSpec({ ...spec, modules: [{ ...first, name: "h.0.attn.c_attn" }] }).ok).toBe(false);
    expect(describeSpec({ ...spec, modules: [] }).ok).toBe(false);
  });
});
